"""PN532 NFC reader over HSU (UART): frame codec, errors, the driver and reader auto-detection.

Layout as in comm/pile: ``codec`` is pure (bytes ⇄ frames), ``messages`` holds the command codes and
the parsed replies, ``transport`` the serial link, ``device`` the session (one command at a time,
ACK then reply, timeouts, status codes → distinct errors).
"""
