"""The Patient-Specific Functional Scale: the person's own hard activities, rated 0-10."""
