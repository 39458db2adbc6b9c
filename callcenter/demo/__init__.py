"""`callcenter demo`: the whole hotline in one process on one database, against the built-in
PBX — a compressed city day of calls, demo people on every side (a colleague operator and the
contractors answer by themselves), a mail catcher and a webhook receiver with pages to read
what the contractors were sent. A composition, like `callcenter.main`: it uses every feature
and no feature uses it."""
