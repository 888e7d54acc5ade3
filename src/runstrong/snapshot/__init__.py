"""The athlete snapshot: its JSON Schema and validation, field catalogue, derived values, engine facts and partial snapshots."""
