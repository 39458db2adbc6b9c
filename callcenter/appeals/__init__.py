"""Appeals: statuses and numbers, the operator's form, search, listing, photos."""
