"""The residents' web form: an appeal filed without signing in, on the same path as a call."""
