"""Pure rules of the product: stdlib and dataclasses only, never Flask or SQLAlchemy.
The current instant and time zones are always passed in."""
