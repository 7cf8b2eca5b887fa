"""The read side: progress figures (JSON), the charts page and Today's summary."""
