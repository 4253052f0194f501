"""pytest plugin: fixtures for testing code that talks to Z-API (filled in by the sandbox)."""
