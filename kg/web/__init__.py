"""The web face of the store: the SPARQL 1.1 Protocol endpoint, the JSON API and the pages (ASGI)."""
