"""Screen pops: cards, the pop channel between processes, seats, pausing, the live board."""
