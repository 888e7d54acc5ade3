"""The athlete history: a SQLite database of activities, check-ins, gym sessions, metrics and decisions."""
