"""The installable app's plumbing: the service worker at /sw.js."""
