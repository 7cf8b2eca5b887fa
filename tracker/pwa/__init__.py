"""The installable, offline-first app: fingerprinted static files, the web app
manifest, the service worker at /sw.js and the offline page."""
