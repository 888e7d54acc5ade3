"""The web app (`runstrong serve`): consultation and report pages for clinicians, and the CDS Hooks service."""
