"""Energy meters on RS-485: the transformer meter and pile meters (远程抄表).

Modbus meters are described by register maps as data (maps/*.toml: Eastron SDM630/SDM120 float32,
Acrel DDSY1352/ADW300 scaled integers); DL/T 645-2007 meters use comm.dlt645. Both drivers return
the same `MeterReading` in the project's integer units.
"""
