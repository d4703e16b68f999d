"""A :class:`~beslut.convert.libreoffice.Converter` that converts through the build service.

The service is the one way a long-lived process holds LibreOffice: ``beslut watch`` (and the
coming ``beslut serve``) borrow the workspace service's warm LibreOffice instead of starting
their own. When the service cannot be used, or goes away and cannot be started again, the
converter falls back to a LibreOfficeConverter of its own, so a conversion never fails only
because the service is gone.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from beslut.convert.libreoffice import (
    ConversionJob,
    ConversionResult,
    Converter,
    ConverterUnavailable,
    LibreOfficeConverter,
)
from beslut.load.paths import CACHE_DIR
from beslut.service import client, protocol


class ServiceConverter:
    """Converts through the workspace's service; see the module docstring.

    Raises :class:`client.ServiceUnavailable` from the constructor when the service cannot be
    started (the caller then uses its own LibreOfficeConverter)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._lock = threading.Lock()
        self._conn: client.Connection | None = client.ensure_service(self.root)[0]
        self._fallback: Converter | None = None
        self.fell_back: str | None = None
        """Why conversions run in this process instead (None while the service is used)."""

    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]:
        jobs = list(jobs)
        if not jobs:
            return []
        with self._lock:
            for attempt in range(2):
                if self._fallback is not None:
                    break
                try:
                    return self._remote(jobs)
                except client.ServiceGone as exc:
                    self._drop()
                    if attempt == 0:
                        try:
                            self._conn = client.ensure_service(self.root)[0]
                            continue
                        except client.ServiceUnavailable as again:
                            self._use_own(str(again))
                    else:
                        self._use_own(str(exc))
            assert self._fallback is not None
            return self._fallback.convert(jobs)

    def _remote(self, jobs: list[ConversionJob]) -> list[ConversionResult]:
        if self._conn is None:
            raise client.ServiceGone("ingen anslutning")
        payload = [protocol.job_to_json(j) for j in jobs]
        try:
            answer = self._conn.ask({"request": "convert", "jobs": payload})
        except client.RemoteError as exc:
            if exc.kind == "unavailable":
                raise ConverterUnavailable(exc.message) from None
            raise client.ServiceGone(exc.message) from None
        results = answer.get("results", [])
        if len(results) != len(jobs):
            raise client.ServiceGone("fel antal svar")
        return [
            ConversionResult(job, bool(r["ok"]), r.get("message"), float(r.get("seconds", 0.0)))
            for job, r in zip(jobs, results, strict=True)
        ]

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _use_own(self, reason: str) -> None:
        self.fell_back = reason
        own = LibreOfficeConverter(profile_root=self.root / CACHE_DIR / "libreoffice")
        own.warm_up()
        self._fallback = own

    def close(self) -> None:
        """Close the connection (the service keeps running) and any own LibreOffice."""
        with self._lock:
            self._drop()
            if self._fallback is not None:
                self._fallback.close()


__all__ = ["ServiceConverter"]
