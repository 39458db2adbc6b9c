"""Reference data: categories, streets, addresses, the services directory."""
