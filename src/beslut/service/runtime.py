"""The private runtime folder and the file names of one workspace's service.

Folder: ``$XDG_RUNTIME_DIR/beslut`` when XDG_RUNTIME_DIR is set (and this user's), else
``{tempfile.gettempdir()}/beslut-{uid}``; created with mode 0700. It is refused (a
:class:`RuntimeFolderRefused` with a Swedish reason) when it is a symbolic link, belongs to
another user or can be used by group or others: the socket in it is the service's only access
control besides the peer check (SO_PEERCRED) on each connection.

Per workspace, named by a digest of the resolved workspace path: ``.sock`` (the Unix socket),
``.lock`` (serialises starting and stopping), ``.json`` (pid, root, started, fingerprint) and
``.log`` (the service's stderr). Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IDLE_ENV = "BESLUT_TJANST_VILA"
"""Seconds without use after which a service stops (tests set a few seconds)."""

DEFAULT_IDLE = 900.0


def setting(name: str) -> str | None:
    """An environment setting by its ASCII name (``BESLUT_TJANST…``). The spelling with Ä
    (``BESLUT_TJÄNST…``) is read too, though a shell cannot set it (bash: "not a valid
    identifier"; only ``env`` can), which is why the ASCII name is the documented one."""
    value = os.environ.get(name)
    return os.environ.get(name.replace("TJANST", "TJÄNST")) if value is None else value


def idle_seconds() -> float:
    """The idle time from BESLUT_TJANST_VILA (seconds), else 15 minutes."""
    try:
        return max(0.5, float(setting(IDLE_ENV) or ""))
    except ValueError:
        return DEFAULT_IDLE


class RuntimeFolderRefused(Exception):
    """The runtime folder cannot be trusted; ``str()`` is a Swedish reason."""


def runtime_dir() -> Path:
    """The runtime folder's path (not created, not checked). XDG_RUNTIME_DIR counts only when
    it is this user's: under ``sudo`` it may still name the invoking user's folder, and a
    folder made there as root would lock that user out of their own service."""
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg:
        try:
            if os.stat(xdg).st_uid == os.getuid():
                return Path(xdg) / "beslut"
        except OSError:
            pass
    return Path(tempfile.gettempdir()) / f"beslut-{os.getuid()}"


def private_dir() -> Path:
    """The runtime folder, created with mode 0700 when missing and checked: not a symbolic
    link, owned by this user, no access for group or others. Raises RuntimeFolderRefused."""
    folder = runtime_dir()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise RuntimeFolderRefused(
            f"mappen {folder} för byggtjänsten kunde inte skapas ({exc.strerror or exc})"
        ) from None
    check_private(folder)
    return folder


def check_private(folder: Path) -> None:
    """Raise RuntimeFolderRefused unless ``folder`` is a real folder only this user can use."""
    try:
        info = os.lstat(folder)
    except OSError as exc:
        raise RuntimeFolderRefused(
            f"mappen {folder} för byggtjänsten kan inte läsas ({exc.strerror or exc})"
        ) from None
    if stat.S_ISLNK(info.st_mode):
        raise RuntimeFolderRefused(
            f"{folder} är en symbolisk länk; byggtjänsten använder bara en egen, vanlig mapp. "
            "Ta bort länken."
        )
    if not stat.S_ISDIR(info.st_mode):
        raise RuntimeFolderRefused(f"{folder} är ingen mapp; ta bort filen.")
    if info.st_uid != os.getuid():
        raise RuntimeFolderRefused(
            f"mappen {folder} för byggtjänsten tillhör en annan användare (uid {info.st_uid})"
        )
    if info.st_mode & 0o077:
        raise RuntimeFolderRefused(
            f"mappen {folder} för byggtjänsten kan användas av andra "
            f"(rättigheter {stat.filemode(info.st_mode)}); kör chmod 700 {folder}"
        )


def workspace_key(root: Path) -> str:
    """The name of a workspace's files: a digest of its resolved path."""
    return hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:20]


@dataclass(frozen=True)
class ServicePaths:
    """The files of one workspace's service in the runtime folder."""

    folder: Path
    key: str

    @classmethod
    def of(cls, root: Path) -> ServicePaths:
        """The paths for ``root``; creates and checks the runtime folder."""
        return cls(private_dir(), workspace_key(root))

    @property
    def socket(self) -> Path:
        return self.folder / f"{self.key}.sock"

    @property
    def lock(self) -> Path:
        return self.folder / f"{self.key}.lock"

    @property
    def info(self) -> Path:
        return self.folder / f"{self.key}.json"

    @property
    def log(self) -> Path:
        return self.folder / f"{self.key}.log"


def read_info(path: Path) -> dict[str, Any] | None:
    """The service's .json, or None when missing or unreadable."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def all_services() -> list[ServicePaths]:
    """Every service of this user that left a .json or a socket in the runtime folder."""
    folder = private_dir()
    keys = {p.stem for p in folder.iterdir() if p.suffix in (".json", ".sock")}
    return [ServicePaths(folder, key) for key in sorted(keys)]


__all__ = [
    "DEFAULT_IDLE",
    "IDLE_ENV",
    "RuntimeFolderRefused",
    "ServicePaths",
    "all_services",
    "check_private",
    "idle_seconds",
    "pid_alive",
    "private_dir",
    "read_info",
    "runtime_dir",
    "setting",
    "workspace_key",
]
