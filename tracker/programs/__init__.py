"""The straight-leg-raise programme: model, service, JSON API and pages."""
