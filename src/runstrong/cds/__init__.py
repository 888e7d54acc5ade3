"""The CDS Hooks service: discovery, FHIR resources to a snapshot, the advice as cards, feedback."""
