"""Outages: the pure model (records, the status machine, places and the address index, the
texts and the sheet parser); no I/O."""
