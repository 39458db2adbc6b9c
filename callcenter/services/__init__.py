"""Use cases. They import domain/ and small interfaces (typing.Protocol), never an adapter."""
