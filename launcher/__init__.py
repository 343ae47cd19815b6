"""The `gridgov` command: start the platform, mint demo tokens, load demo data, migrate."""
