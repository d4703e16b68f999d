"""The exception tree. Standard library only, so the CLI can catch them cheaply.

::

    BeslutError              base of every error beslut raises on purpose
    └── UserError            a problem the user can fix; the message is Swedish, no traceback
        ├── ContentError     the workspace's files are wrong (reported as located diagnostics)
        ├── TemplateError    a Word template cannot be used
        ├── ConversionError  LibreOffice is missing or cannot convert
        ├── AssemblyError    a packet cannot be put together
        ├── PublishError     the output folder cannot be written (full disk, read-only)
        ├── BuildLocked      another build is writing to the same output folder
        └── UsageError       a command was called the wrong way

Every message is one Swedish sentence (or a few) that says what is wrong and how to fix it.
"""

from __future__ import annotations

import errno


class BeslutError(Exception):
    """Base of every error beslut raises on purpose."""


class UserError(BeslutError):
    """A problem the user can fix; the message is Swedish and needs no traceback."""


class ContentError(UserError):
    """The workspace's files are wrong."""


class TemplateError(UserError):
    """A Word template cannot be used."""


class ConversionError(UserError):
    """LibreOffice is missing or cannot convert a document."""


class AssemblyError(UserError):
    """A packet cannot be put together."""


class PublishError(UserError):
    """The output folder cannot be written; nothing in it was changed."""


class BuildLocked(UserError):
    """Another build is writing to the same output folder."""


class UsageError(UserError):
    """A command was called the wrong way."""


def os_error_text(exc: OSError, what: str) -> str:
    """Return a Swedish sentence for an operating-system error while writing ``what``."""
    name = exc.filename or what
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return f"Disken är full: {name} kunde inte skrivas. Frigör utrymme och bygg igen."
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (
            f"{name} kunde inte skrivas eftersom mappen är skrivskyddad. Ge skrivrättighet "
            "till mappen eller välj en annan utdatamapp med -o."
        )
    return f"{name} kunde inte skrivas ({exc.strerror or exc})."
