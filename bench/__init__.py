"""Benchmarks (``make bench``): they print figures, never pass or fail."""
