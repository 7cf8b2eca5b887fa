"""SMART Health Links: a person's FHIR bundle shared as an encrypted ``shlink:/`` link
whose key the server never keeps (see tracker/shl/service.py)."""
