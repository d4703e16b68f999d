"""The build service (``beslut.service``): real processes, real LibreOffice, real sockets.

Every test runs ``beslut`` as a new process, as a user does, with the service turned back on
(the autouse fixture in conftest turns it off for every other test) and a private runtime
folder; whatever service a test starts is stopped when it ends.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, MakeWorkspace, case_file

pytestmark = pytest.mark.usefixtures("require_libreoffice")

SRC = REPO / "src"

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, _no_build_service: Path) -> dict[str, str]:
    """The environment of a ``beslut`` process with the service on."""
    monkeypatch.delenv("BESLUT_TJANST")
    monkeypatch.setenv("BESLUT_TJANST_VILA", "60")
    values = dict(os.environ)
    values["PYTHONPATH"] = os.pathsep.join([str(SRC), values.get("PYTHONPATH", "")])
    return values


@pytest.fixture
def beslut(env: dict[str, str]) -> Iterator[Run]:
    """Run ``beslut ARGS`` as a new process; every service is stopped afterwards."""

    def run(*args: str, check: bool = False, **extra: Any) -> subprocess.CompletedProcess[str]:
        merged = {**env, **extra.pop("env", {})}
        return subprocess.run(
            [sys.executable, "-m", "beslut", *args],
            capture_output=True,
            text=True,
            env=merged,
            timeout=300,
            check=check,
            **extra,
        )

    yield run
    run("tjänst", "stopp", "--alla")


def _cases(count: int) -> dict[str, str]:
    return {
        f"content/ärenden/ärende-{i}.md": case_file(
            f"## Sammanfattning\n\nÄrende nummer {i} om planen.\n", dnr=f"25HSN{i + 1}"
        )
        for i in range(count)
    }


def _info(runtime: Path, root: Path) -> dict[str, Any]:
    from beslut.service.runtime import workspace_key

    return dict(json.loads((runtime / "beslut" / f"{workspace_key(root)}.json").read_text()))


def _alive(pid: int) -> bool:
    from beslut.service.runtime import pid_alive

    return pid_alive(pid)


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _group_members(pgid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[2] == str(pgid) and fields[0] != "Z":
            found.append(int(entry))
    return found


def _status(beslut: Run, root: Path) -> str:
    result = beslut("tjänst", "status", str(root))
    assert result.returncode == 0, result.stderr
    return result.stdout


def _soffice_pids(status: str) -> list[int]:
    line = next(x for x in status.splitlines() if "LibreOffice:" in x)
    return [int(p) for p in line.split(":", 1)[1].replace(",", " ").split() if p.isdigit()]


def _manifest(out: Path) -> dict[str, tuple[str, str]]:
    from beslut.publish.files import read_manifest

    return {e["path"]: (e["kind"], e["sha256"]) for e in read_manifest(out)}


def test_a_build_through_the_service_equals_one_in_process(
    make_workspace: MakeWorkspace, beslut: Run, tmp_path: Path
) -> None:
    files = _cases(2)
    files["content/ärenden/ärende-0.md"] = case_file(
        "## Sammanfattning\n\nText med  dubbla mellanslag.\n", dnr="25HSN1"
    )
    root = make_workspace(files)
    epoch = {"SOURCE_DATE_EPOCH": "1760000000"}
    served = beslut("build", str(root), "-o", str(tmp_path / "a"), "--format", "json", env=epoch)
    assert served.returncode == 0, served.stderr
    assert "startade byggtjänsten" not in served.stderr  # --format json: no notice
    local = beslut(
        "build",
        str(root),
        "-o",
        str(tmp_path / "b"),
        "--format",
        "json",
        "--utan-tjänst",
        env=epoch,
    )
    assert local.returncode == 0, local.stderr
    one, two = json.loads(served.stdout), json.loads(local.stdout)
    assert one["diagnostics"] == two["diagnostics"] and one["diagnostics"], one
    assert one["changed"] == two["changed"] == sorted(files)
    assert sorted(o["path"] for o in one["outputs"]) == sorted(o["path"] for o in two["outputs"])
    a, b = _manifest(tmp_path / "a"), _manifest(tmp_path / "b")
    assert a.keys() == b.keys() and any(k.endswith(".pdf") for k in a)
    import zipfile

    for path, (kind, _digest) in a.items():
        assert kind == b[path][0]
        if kind == "docx":  # the same parts, byte for byte (the zip's own dates differ)
            with (
                zipfile.ZipFile(tmp_path / "a" / path) as x,
                zipfile.ZipFile(tmp_path / "b" / path) as y,
            ):
                assert {n: x.read(n) for n in x.namelist()} == {
                    n: y.read(n) for n in y.namelist()
                }, path
    from pypdf import PdfReader

    for path in a:
        if path.endswith(".pdf"):
            assert len(PdfReader(tmp_path / "a" / path).pages) == len(
                PdfReader(tmp_path / "b" / path).pages
            )
    # the service did the first build: it runs, and has built once
    status = _status(beslut, root)
    assert f"Byggtjänsten för {root.resolve()} körs." in status
    assert "byggen:       1" in status


def test_text_report_exit_code_and_first_start_notice(
    make_workspace: MakeWorkspace, beslut: Run
) -> None:
    root = make_workspace(_cases(1))
    first = beslut("build", str(root))
    assert first.returncode == 0, first.stderr
    assert "beslut: startade byggtjänsten för den här arbetsytan (stängs efter 1 minut" in (
        first.stderr
    )
    assert "1 ändrad, 0 oförändrade" in first.stderr
    (root / "content" / "ärenden" / "ärende-0.md").write_text(
        case_file("## Sammanfattning\n\nÄndrad.\n", extra="okänt_fält: 1\n"), "utf-8"
    )
    second = beslut("build", str(root))
    assert "startade byggtjänsten" not in second.stderr
    assert second.returncode == 1, second.stderr  # the unknown field is an error, as in-process
    assert "content/ärenden/ärende-0.md:" in second.stdout


def test_service_killed_mid_build_falls_back_and_leaves_no_libreoffice(
    make_workspace: MakeWorkspace, beslut: Run, env: dict[str, str], _no_build_service: Path
) -> None:
    root = make_workspace(_cases(6))
    assert beslut("build", str(root), "-q").returncode == 0
    pid = _info(_no_build_service, root)["pid"]
    office = _soffice_pids(_status(beslut, root))
    assert office, "the service keeps LibreOffice running"
    for i in range(6):  # every case changes: the next build converts six documents
        path = root / "content" / "ärenden" / f"ärende-{i}.md"
        path.write_text(path.read_text("utf-8") + "\nEn ny mening.\n", "utf-8")
    build = subprocess.Popen(
        [sys.executable, "-m", "beslut", "build", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    staging = root / ".beslut-cache"
    # LibreOffice is converting once a rendered .docx waits in the build's staging folder
    assert _wait(lambda: any(staging.glob("staging-*/**/*.docx")), 120)
    os.kill(pid, signal.SIGKILL)
    _out, err = build.communicate(timeout=300)
    assert "Byggtjänsten avslutades mitt i bygget" in err, err
    assert "bygger med egen LibreOffice i stället" in err
    assert build.returncode == 0, err
    assert "6 ändrade" in err
    from pypdf import PdfReader

    for i in range(6):
        pdf = root / "output" / "ärenden" / f"ärende-{i}.pdf"
        text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
        assert "En ny mening." in text
    # the killed service's LibreOffice goes by itself within a few seconds
    assert _wait(lambda: not any(_group_members(p) for p in office), 10), office
    assert not _alive(pid)


def test_a_stale_socket_and_a_dead_pid_are_cleared(
    make_workspace: MakeWorkspace, beslut: Run, _no_build_service: Path
) -> None:
    from beslut.service.runtime import ServicePaths

    root = make_workspace(_cases(1))
    paths = ServicePaths.of(root)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(paths.socket))  # a socket file with no listener, as a killed service leaves
    stale.close()
    dead = subprocess.Popen(["true"])
    dead.wait()
    paths.info.write_text(json.dumps({"pid": dead.pid, "root": str(root)}), "utf-8")
    old_inode = paths.socket.stat().st_ino
    result = beslut("build", str(root))
    assert result.returncode == 0, result.stderr
    assert "startade byggtjänsten" in result.stderr
    info = _info(_no_build_service, root)
    assert info["pid"] != dead.pid and _alive(info["pid"])
    assert paths.socket.stat().st_ino != old_inode
    assert (root / "output" / "ärenden" / "ärende-0.pdf").is_file()


def test_two_workspaces_have_two_services(make_workspace: MakeWorkspace, beslut: Run) -> None:
    first = make_workspace(_cases(1))
    second = first.parent / "andra"
    import shutil

    shutil.copytree(first, second)
    for root in (first, second):
        assert beslut("build", str(root), "-q").returncode == 0
    one, two = _status(beslut, first), _status(beslut, second)
    assert f"Byggtjänsten för {first.resolve()} körs." in one
    assert f"Byggtjänsten för {second.resolve()} körs." in two
    pid_one = int(one.split("process:")[1].split()[0])
    pid_two = int(two.split("process:")[1].split()[0])
    assert pid_one != pid_two
    stopped = beslut("tjänst", "stopp", str(first))
    assert f"Stoppade byggtjänsten för {first.resolve()} (process {pid_one})." in stopped.stdout
    assert not _alive(pid_one) and _alive(pid_two)
    assert "Ingen byggtjänst körs" in _status(beslut, first)
    assert f"process:      {pid_two}" in _status(beslut, second)
    again = beslut("tjänst", "stopp", str(first))
    assert again.returncode == 0 and "Ingen byggtjänst kördes" in again.stdout
    assert "tillhör" not in again.stdout


def test_idle_service_stops_with_its_libreoffice(
    make_workspace: MakeWorkspace, beslut: Run, _no_build_service: Path
) -> None:
    root = make_workspace(_cases(1))
    assert beslut("build", str(root), "-q", env={"BESLUT_TJANST_VILA": "2"}).returncode == 0
    pid = _info(_no_build_service, root)["pid"]
    office = _soffice_pids(_status(beslut, root))
    assert office and _alive(pid)
    assert _wait(lambda: not _alive(pid), 30)
    assert not any(_group_members(p) for p in office)
    assert not list((_no_build_service / "beslut").glob("*.sock"))
    assert not list((_no_build_service / "beslut").glob("*.json"))
    log = next((_no_build_service / "beslut").glob("*.log")).read_text("utf-8")
    assert "ingen användning på 2 s" in log


def test_a_service_of_other_code_is_replaced(
    make_workspace: MakeWorkspace, beslut: Run, tmp_path: Path, _no_build_service: Path
) -> None:
    import shutil

    copy = tmp_path / "kod"
    shutil.copytree(SRC / "beslut", copy / "beslut", ignore=shutil.ignore_patterns("__pycache__"))
    with_copy = {"PYTHONPATH": str(copy)}
    root = make_workspace(_cases(1))
    assert beslut("build", str(root), "-q", env=with_copy).returncode == 0
    old = _info(_no_build_service, root)
    # the code changes (as an editable install does): the running service is other code now
    module = copy / "beslut" / "atomic.py"
    module.write_text(module.read_text("utf-8") + "\n# ändrad\n", "utf-8")
    (root / "content" / "ärenden" / "ärende-0.md").write_text(
        case_file("## Sammanfattning\n\nNy text.\n"), "utf-8"
    )
    result = beslut("build", str(root), env=with_copy)
    assert result.returncode == 0, result.stderr
    assert "startade byggtjänsten" in result.stderr
    new = _info(_no_build_service, root)
    assert new["pid"] != old["pid"] and new["fingerprint"] != old["fingerprint"]
    assert not _alive(old["pid"])


def test_the_output_lock_is_honoured(make_workspace: MakeWorkspace, beslut: Run) -> None:
    from beslut.pipeline import output_lock

    root = make_workspace(_cases(1))
    assert beslut("build", str(root), "-q").returncode == 0
    (root / "content" / "ärenden" / "ärende-0.md").write_text(
        case_file("## Sammanfattning\n\nNy text.\n"), "utf-8"
    )
    with output_lock((root / "output").resolve()):  # as a watch or another build holds it
        locked = beslut("build", str(root))
    assert locked.returncode == 1
    assert "Ett annat bygge skriver redan till" in locked.stderr
    assert "Vänta tills det är klart" in locked.stderr
    after = beslut("build", str(root))
    assert after.returncode == 0 and "1 ändrad" in after.stderr


def test_tjanst_status_and_stopp_output(make_workspace: MakeWorkspace, beslut: Run) -> None:
    root = make_workspace(_cases(1))
    assert "Ingen byggtjänst körs för" in _status(beslut, root)
    assert beslut("build", str(root), "-q").returncode == 0
    status = _status(beslut, root)
    for label in ("process:", "startad:", "oanvänd i:", "byggen:", "LibreOffice:", "minne:"):
        assert label in status, status
    assert "stängs efter 1 minut utan användning" in status
    assert re.search(r"startad: +\d{4}-\d\d-\d\d kl\.\u00a0\d\d\.\d\d\n", status), status
    assert " MB (tjänsten " in status
    from beslut.fingerprint import code_fingerprint

    assert f"(kod {code_fingerprint()})" in status
    every = beslut("tjänst", "stopp", "--alla")
    assert f"Stoppade byggtjänsten för {root.resolve()}" in every.stdout
    assert "Ingen byggtjänst kördes." in beslut("tjänst", "stopp", "--alla").stdout


def test_the_service_can_be_turned_off(make_workspace: MakeWorkspace, beslut: Run) -> None:
    root = make_workspace(_cases(1))
    off = beslut("build", str(root), env={"BESLUT_TJANST": "av"})
    assert off.returncode == 0 and "startade byggtjänsten" not in off.stderr
    assert "Ingen byggtjänst körs" in _status(beslut, root)


def test_a_refused_runtime_folder_builds_in_process(
    make_workspace: MakeWorkspace, beslut: Run, _no_build_service: Path
) -> None:
    (_no_build_service / "beslut").mkdir(mode=0o755)
    os.chmod(_no_build_service / "beslut", 0o755)
    root = make_workspace(_cases(1))
    result = beslut("build", str(root))
    assert result.returncode == 0, result.stderr
    assert "byggtjänsten kunde inte användas (mappen" in result.stderr
    assert (
        "kan användas av andra" in result.stderr and "bygger i den här processen" in result.stderr
    )
    assert (root / "output" / "ärenden" / "ärende-0.pdf").is_file()


NOBODY_CLIENT = textwrap.dedent(
    """
    import json, socket, sys
    from pathlib import Path
    from beslut.service import client
    from beslut.service.runtime import RuntimeFolderRefused, ServicePaths, check_private
    from beslut.service.runtime import runtime_dir
    root, folder, key = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    print("own folder:", runtime_dir())
    try:
        check_private(folder)
        print("folder: usable")
    except RuntimeFolderRefused as exc:
        print("folder:", exc)
    try:
        client.connect(ServicePaths(folder, key))
        print("connect: connected")
    except client.ServiceUnavailable as exc:
        print("connect:", exc)
    raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    raw.connect(str(folder / (key + ".sock")))
    raw.settimeout(20)
    try:  # the service may have answered and closed already
        raw.sendall(b'{"request": "status"}\\n')
    except BrokenPipeError:
        pass
    print("raw:", raw.makefile("rb").readline().decode())
    """
)


def test_another_user_cannot_use_the_service(
    make_workspace: MakeWorkspace, beslut: Run, env: dict[str, str], _no_build_service: Path
) -> None:
    if os.getuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("testet av två användare måste köras som root i CI")
        pytest.skip("kräver root (för att köra en klient som användaren nobody)")
    import pwd

    from beslut.service.runtime import workspace_key

    root = make_workspace(_cases(1))
    assert beslut("build", str(root), "-q").returncode == 0
    folder, key = _no_build_service / "beslut", workspace_key(root)
    os.chmod(_no_build_service, 0o755)  # nobody may look in, not into beslut/ (0700)

    # The client modules need only the standard library; the system Python is one nobody can
    # run (a virtual environment under /root is not).
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

    def as_nobody() -> str:
        result = subprocess.run(
            [python, "-c", NOBODY_CLIENT, str(root), str(folder), key],
            capture_output=True,
            text=True,
            env={**env, "HOME": "/tmp", "PYTHONPATH": str(SRC)},
            user="nobody",
            cwd="/tmp",
            timeout=60,
        )
        return result.stdout + result.stderr

    closed = as_nobody()
    # XDG_RUNTIME_DIR names root's folder, but nobody's own services would live elsewhere
    assert f"own folder: /tmp/beslut-{pwd.getpwnam('nobody').pw_uid}" in closed, closed
    assert "folder: mappen" in closed and "tillhör en annan användare (uid 0)" in closed, closed
    assert "Permission denied" in closed  # not even the socket can be reached
    # the folder opened up by mistake: the peer check still refuses, on both sides
    os.chmod(folder, 0o755)
    os.chmod(folder / f"{key}.sock", 0o777)
    opened = as_nobody()
    assert "folder: mappen" in opened and "tillhör en annan användare" in opened, opened
    assert "connect: byggtjänsten körs av en annan användare (uid 0)" in opened, opened
    assert '"kind": "refused"' in opened and "tillhör en annan användare" in opened, opened
    assert '"event": "status"' not in opened
    # the owner refuses an opened folder too, until it is private again; the service is unharmed
    refused = beslut("tjänst", "status", str(root))
    assert refused.returncode == 1 and "kan användas av andra" in refused.stderr
    os.chmod(folder, 0o700)
    assert "byggen:       1" in _status(beslut, root)


def test_service_converter_converts_with_the_services_libreoffice(
    make_workspace: MakeWorkspace, env: dict[str, str], tmp_path: Path, beslut: Run
) -> None:
    from beslut.convert.libreoffice import ConversionJob
    from beslut.service.converter import ServiceConverter

    root = make_workspace(_cases(1))
    assert beslut("build", str(root), "-q", "--format", "docx").returncode == 0
    docx = root / "output" / "ärenden" / "ärende-0.docx"
    converter = ServiceConverter(root)
    try:
        [result] = converter.convert([ConversionJob(docx, tmp_path / "ut.pdf", "ärende-0")])
        assert result.ok, result.message
        assert converter.fell_back is None
    finally:
        converter.close()
    from pypdf import PdfReader

    text = PdfReader(tmp_path / "ut.pdf").pages[0].extract_text()
    assert "Ärende nummer 0 om planen." in text
    assert "byggen:       1" in _status(beslut, root)  # the same service did both


def test_a_client_that_goes_away_stops_the_build_before_it_publishes(
    make_workspace: MakeWorkspace, beslut: Run, _no_build_service: Path
) -> None:
    from beslut.service import client

    root = make_workspace(_cases(4))
    assert beslut("tjänst", "status", str(root)).returncode == 0
    conn, started = client.ensure_service(root)
    assert started
    conn.send(
        {
            "request": "build",
            "out_dir": str((root / "output").resolve()),
            "formats": ["docx", "pdf"],
            "force": False,
            "strict": False,
            "source_date_epoch": None,
        }
    )
    assert conn.receive()["event"] == "progress"
    conn.close()  # as a Ctrl-C'd or killed `beslut build` does
    log = next((_no_build_service / "beslut").glob("*.log"))
    assert _wait(lambda: "klienten gick under bygget" in log.read_text("utf-8"), 120)
    assert not (root / "output" / "manifest.json").exists()
    assert not list((root / "output").rglob("*.pdf"))
    # the service is still there and builds the next time
    result = beslut("build", str(root))
    assert result.returncode == 0 and "4 ändrade" in result.stderr, result.stderr
    assert "startade byggtjänsten" not in result.stderr


def _children_named(parent: int, word: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name, rest = text.split("(", 1)[1].rsplit(")", 1)
        if rest.split()[1] == str(parent) and word in name:
            found.append(int(entry))
    return found


def test_watch_borrows_the_services_libreoffice(
    make_workspace: MakeWorkspace, beslut: Run, env: dict[str, str]
) -> None:
    import threading

    from beslut import api

    root = make_workspace(_cases(1))
    reports: list[Any] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=api.watch,
        args=(root, reports.append),
        kwargs={"stop": stop},
        daemon=True,
    )
    thread.start()
    try:
        assert _wait(lambda: bool(reports), 180)
        assert not isinstance(reports[0], Exception) and reports[0].ok, reports[0]
        assert (root / "output" / "ärenden" / "ärende-0.pdf").is_file()
        # LibreOffice runs under the service, none under this (the watching) process
        status = _status(beslut, root)
        assert _soffice_pids(status) and "byggen:       0" in status
        assert not _children_named(os.getpid(), "soffice")
        assert not _children_named(os.getpid(), "oosplash")
    finally:
        stop.set()
        thread.join(30)


def test_the_service_stops_when_its_socket_or_its_workspace_goes(
    make_workspace: MakeWorkspace, beslut: Run, _no_build_service: Path
) -> None:
    import shutil

    from beslut.service.runtime import ServicePaths

    root = make_workspace(_cases(1))
    paths = ServicePaths.of(root)
    assert beslut("build", str(root), "-q").returncode == 0
    first = _info(_no_build_service, root)["pid"]
    paths.socket.unlink()  # e.g. a cleaner of the runtime folder: nobody could reach it now
    assert _wait(lambda: not _alive(first), 30)
    assert not paths.info.exists()
    (root / "content" / "ärenden" / "ärende-0.md").write_text(
        case_file("## Sammanfattning\n\nNy text.\n"), "utf-8"
    )
    result = beslut("build", str(root))
    assert result.returncode == 0 and "startade byggtjänsten" in result.stderr, result.stderr
    second = _info(_no_build_service, root)["pid"]
    office = _soffice_pids(_status(beslut, root))
    shutil.rmtree(root)
    assert _wait(lambda: not _alive(second), 30)
    assert _wait(lambda: not any(_group_members(p) for p in office), 10)
    assert not paths.socket.exists() and not paths.info.exists()
    log = paths.log.read_text("utf-8")
    assert "socketfilen har tagits bort" in log and "arbetsytan finns inte längre" in log


def test_a_service_that_cannot_start_leaves_the_build_to_the_command(
    make_workspace: MakeWorkspace, beslut: Run, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "kod"
    shutil.copytree(SRC / "beslut", copy / "beslut", ignore=shutil.ignore_patterns("__pycache__"))
    server = copy / "beslut" / "service" / "server.py"
    server.write_text("raise SystemExit('trasig tjänst')\n", "utf-8")  # dies as it starts
    root = make_workspace(_cases(1))
    started = time.monotonic()
    result = beslut("build", str(root), env={"PYTHONPATH": str(copy)})
    assert result.returncode == 0, result.stderr
    assert "byggtjänsten kunde inte användas (byggtjänsten avslutades när den startade" in (
        result.stderr
    )
    assert "trasig tjänst" in result.stderr and "bygger i den här processen" in result.stderr
    assert (root / "output" / "ärenden" / "ärende-0.pdf").is_file()
    assert time.monotonic() - started < 55  # not the whole start timeout


def test_an_xdg_runtime_dir_of_another_user_is_not_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from beslut.service.runtime import runtime_dir

    other = tmp_path / "annans"
    other.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(other))
    assert runtime_dir() == other / "beslut"
    if os.getuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("testet måste köras som root i CI")
        pytest.skip("kräver root (chown)")
    os.chown(other, 65534, 65534)  # as under sudo: the variable still names the user's folder
    assert runtime_dir() == Path(tempfile.gettempdir()) / f"beslut-{os.getuid()}"


def test_service_converter_restarts_the_service_or_falls_back_to_its_own(
    make_workspace: MakeWorkspace, beslut: Run, tmp_path: Path, _no_build_service: Path
) -> None:
    from pypdf import PdfReader

    from beslut.convert.libreoffice import ConversionJob
    from beslut.service.converter import ServiceConverter

    root = make_workspace(_cases(1))
    assert beslut("build", str(root), "-q", "--format", "docx").returncode == 0
    docx = root / "output" / "ärenden" / "ärende-0.docx"
    converter = ServiceConverter(root)
    try:
        first = _info(_no_build_service, root)["pid"]
        os.kill(first, signal.SIGKILL)
        assert _wait(lambda: not _alive(first), 10)
        [again] = converter.convert([ConversionJob(docx, tmp_path / "1.pdf", "ärende-0")])
        assert again.ok and converter.fell_back is None, again.message
        second = _info(_no_build_service, root)["pid"]
        assert second != first and _alive(second)
        os.kill(second, signal.SIGKILL)
        assert _wait(lambda: not _alive(second), 10)
        os.chmod(_no_build_service / "beslut", 0o755)  # no new service can be started now
        [own] = converter.convert([ConversionJob(docx, tmp_path / "2.pdf", "ärende-0")])
        assert own.ok, own.message
        assert converter.fell_back is not None and "kan användas av andra" in converter.fell_back
    finally:
        converter.close()
        os.chmod(_no_build_service / "beslut", 0o700)
    for name in ("1.pdf", "2.pdf"):
        assert "Ärende nummer 0" in PdfReader(tmp_path / name).pages[0].extract_text()


def test_the_switch_is_read_by_its_ascii_name_and_with_a(monkeypatch: pytest.MonkeyPatch) -> None:
    from beslut.service.client import disabled
    from beslut.service.runtime import idle_seconds

    monkeypatch.delenv("BESLUT_TJANST", raising=False)
    monkeypatch.delenv("BESLUT_TJANST_VILA", raising=False)
    assert not disabled() and idle_seconds() == 900
    monkeypatch.setenv("BESLUT_TJÄNST", "av")
    monkeypatch.setenv("BESLUT_TJÄNST_VILA", "7")
    assert disabled() and idle_seconds() == 7
    monkeypatch.setenv("BESLUT_TJANST", "på")  # the ASCII name wins
    assert not disabled()
    # and a shell can set the ASCII name (it cannot set one with Ä)
    done = subprocess.run(
        ["bash", "-c", "export BESLUT_TJANST=av && printenv BESLUT_TJANST"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "av"


def test_a_stuck_service_is_replaced(make_workspace: MakeWorkspace, beslut: Run) -> None:
    from beslut.service.client import HELLO_TIMEOUT
    from beslut.service.runtime import ServicePaths

    root = make_workspace(_cases(1))
    paths = ServicePaths.of(root)
    stuck = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stuck.bind(str(paths.socket))
    stuck.listen(4)  # takes connections, never answers: as a hung service would
    try:
        started = time.monotonic()
        result = beslut("build", str(root))
        assert result.returncode == 0, result.stderr
        assert "startade byggtjänsten" in result.stderr
        assert time.monotonic() - started >= HELLO_TIMEOUT
        assert (root / "output" / "ärenden" / "ärende-0.pdf").is_file()
        assert "byggen:       1" in _status(beslut, root)
    finally:
        stuck.close()


def test_a_conversion_job_crosses_the_wire_whole() -> None:
    """Every field of a ConversionJob reaches the service (preview once got lost on the way)."""
    import dataclasses
    import json

    from beslut.convert.libreoffice import ConversionJob
    from beslut.service import protocol

    job = ConversionJob(
        Path("/a/ärende.docx"), Path("/b/ärende.pdf"), "content/ärenden/a.md", "en-US", True
    )
    for field in dataclasses.fields(ConversionJob):
        # a new field must be given a non-default value here, so that it is checked too
        assert getattr(job, field.name) != field.default, field.name
    wire = json.loads(protocol.encode({"jobs": [protocol.job_to_json(job)]}))
    assert protocol.job_from_json(wire["jobs"][0]) == job


def test_a_build_through_the_service_keeps_the_client_light(
    make_workspace: MakeWorkspace, beslut: Run, env: dict[str, str]
) -> None:
    """The client imports neither the pipeline nor its libraries, also while it shows progress
    (showing a counted stage once imported all of beslut: about a second per build)."""
    root = make_workspace(_cases(4))
    assert beslut("build", str(root), "--format", "docx").returncode == 0  # starts the service
    case = root / "content" / "ärenden" / "ärende-2.md"
    case.write_text(case.read_text("utf-8") + "\nEn ny mening.\n", "utf-8")
    wrapper = textwrap.dedent(
        f"""
        import runpy, sys
        sys.argv = ["beslut", "build", {str(root)!r}, "--format", "docx"]
        try:
            runpy.run_module("beslut", run_name="__main__")
        finally:
            heavy = ("beslut.pipeline", "beslut.api", "pydantic", "pypdf", "docxtpl", "lxml")
            print("TUNGA", sorted(m for m in heavy if m in sys.modules), file=sys.stderr)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", wrapper], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "beslut: läser innehållet…" in result.stderr  # progress was shown, not quiet
    assert "1 ändrad" in result.stderr
    assert "TUNGA []" in result.stderr, result.stderr
