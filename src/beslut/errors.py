"""Errors a user can fix. Standard library only, so the CLI can catch them cheaply.

::

    UserError            a problem the user can fix; the message is Swedish, no traceback
    └── BuildLocked      another build is writing to the same output folder
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; the message is Swedish and needs no traceback."""


class BuildLocked(UserError):
    """Another build is writing to the same output folder."""
