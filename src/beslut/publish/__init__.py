"""Stage 6, publish: the only writer to ``output/`` (one transaction per build), and
the build state that says what is current."""
