"""The pure side of Open311: the specification's records, statuses, queries and formats."""
