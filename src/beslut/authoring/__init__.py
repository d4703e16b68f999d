"""Aids that write into the workspace (not ``output/``): ``init``/``new``, JSON
Schema, the README key reference, ``check --fix``."""
