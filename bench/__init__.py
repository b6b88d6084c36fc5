"""Benchmarks: `./run bench [name ...]`. Each prints figures measured side by side in one run."""
