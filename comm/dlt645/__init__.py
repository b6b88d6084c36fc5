"""DL/T 645-2007 (多功能电能表通信协议): the frame codec (pure) and a serial link (I/O).

Written by hand: no maintained library covers the 2007 edition well. Vectors and sources are in
../shared/protocol-facts.md §3; tests/comm/dlt645 checks them byte for byte.
"""
