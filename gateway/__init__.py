"""The GraphQL gateway: one schema from the enabled plugins, policy on every operation, decision log."""
