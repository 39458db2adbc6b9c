"""Core: the AMI link (panoramisk) and its protocol fixes."""
