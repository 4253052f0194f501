"""Shared test helpers: one fake Z-API, one virtual clock, the seed messages, credentials."""
