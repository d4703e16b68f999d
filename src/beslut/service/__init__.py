"""The build service: one long-lived process per workspace that keeps beslut warm.

A new ``beslut build`` process pays Python's imports, LibreOffice's start and the parsing of
every file; the service pays them once and then builds on request, as dmypy and the Gradle
daemon do. The CLI is a thin client (:mod:`.client`) that talks JSON lines (:mod:`.protocol`)
over a Unix socket in a private runtime folder (:mod:`.runtime`) to the service
(:mod:`.server`). The service is also the one way a long-lived process holds LibreOffice:
:class:`.converter.ServiceConverter` lends its warm LibreOffice to ``watch`` (and later
``serve``).

Nothing here is imported by ``import beslut``; the client modules import only the standard
library, :mod:`beslut.fingerprint` and :mod:`beslut.diagnostics`.
"""
