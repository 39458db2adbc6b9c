"""Core: the web application shell: app, errors, languages, pages, health, metrics."""
