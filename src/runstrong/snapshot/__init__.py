"""The athlete snapshot: its JSON Schema and validation, the field catalogue, derived values, the
facts the engine sees, and partial snapshots."""
