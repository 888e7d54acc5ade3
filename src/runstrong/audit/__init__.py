"""The audit log of decisions, and verifying that logged decisions still reproduce."""
