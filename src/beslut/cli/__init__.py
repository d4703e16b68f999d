"""The ``beslut`` command and its watch mode: front ends that call the public API."""
