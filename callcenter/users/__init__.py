"""Users: accounts, roles and seats, sign-in and sessions, and who may call what (access)."""
