"""What every gridgov service shares: bootstrap, config, database, outbox, actor, errors."""
