"""Helpers shared by the test packages (fixtures live in tests/conftest.py)."""
