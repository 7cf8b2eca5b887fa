"""Flare-ups: a pause of a few days when pain suddenly gets worse."""
