"""MIFARE Classic 1K: the card itself (``classic``: memory, keys, access bits, value blocks — what the
virtual reader and the simulated piles hold), ChargeDesk's card layout and keys (``layout``, ``keys``)
and the tear-safe purse operations any card interface can run (``purse``)."""
