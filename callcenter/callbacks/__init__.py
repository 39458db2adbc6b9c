"""Control checks and call-backs: the operators' worklist, claims, Originate, outcomes."""
