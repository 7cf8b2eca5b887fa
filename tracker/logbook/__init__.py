"""The log book: stretch library, stretching sessions, pain check-ins."""
