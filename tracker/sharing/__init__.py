"""Share with a clinician: the printable report, expiring read-only share links,
export (JSON, CSV, FHIR R4) and import of all of a person's data."""
