"""Editor help, tested with the real YAML language server (the one VS Code's YAML extension
runs): in a workspace made by ``beslut init``, the association that init writes to
``.vscode/settings.json`` gives completion with Swedish help and diagnostics for a case, the
profile and a meeting, also after a file is moved into a subfolder.

``make test`` installs the server with npm into ``.cache/npm``; without node or the server the
tests skip locally and fail in CI (``need``).
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from beslut.authoring.editor import write_editor_settings, yaml_schemas
from beslut.cli.main import cli
from conftest import REPO, need

SERVER = REPO / ".cache" / "npm" / "node_modules" / "yaml-language-server" / "bin"
SERVER_BIN = SERVER / "yaml-language-server"
TIMEOUT = 30.0
"""Seconds to wait for one answer from the server (its first answer loads the schema)."""


class LanguageServer:
    """A small LSP client over stdio: requests with timeouts, answers the server's own
    requests (workspace/configuration from the settings VS Code would pass), and keeps the
    last diagnostics per document."""

    def __init__(self, root: Path, settings: dict[str, Any]) -> None:
        node = shutil.which("node")
        assert node is not None
        self.root = root
        self.yaml = _section(settings, "yaml")
        self.yaml["schemaStore"] = {"enable": False}  # no network in tests
        self.process = subprocess.Popen(
            [node, str(SERVER_BIN), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.next_id = 0
        self.answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.diagnostics: dict[str, queue.Queue[list[dict[str, Any]]]] = {}
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {
                    "workspace": {"configuration": True},
                    "textDocument": {
                        "completion": {"completionItem": {"documentationFormat": ["markdown"]}},
                        "hover": {"contentFormat": ["markdown"]},
                    },
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": self.yaml}})

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        with self.lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            message = json.loads(stream.read(length))
            if "method" in message and "id" in message:
                self._answer(message)
            elif "id" in message:
                self._answers(message["id"]).put(message)
            elif message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                self._diagnostics(params["uri"]).put(params["diagnostics"])

    def _answer(self, request: dict[str, Any]) -> None:
        result: Any = None
        if request["method"] == "workspace/configuration":
            sections = [item.get("section") for item in request["params"]["items"]]
            result = [self.yaml if s == "yaml" else {} for s in sections]
        self._send({"id": request["id"], "result": result})

    def _answers(self, number: int) -> queue.Queue[dict[str, Any]]:
        with self.lock:
            return self.answers.setdefault(number, queue.Queue())

    def _diagnostics(self, uri: str) -> queue.Queue[list[dict[str, Any]]]:
        with self.lock:
            return self.diagnostics.setdefault(uri, queue.Queue())

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        number = self.next_id
        self._send({"id": number, "method": method, "params": params})
        try:
            answer = self._answers(number).get(timeout=TIMEOUT)
        except queue.Empty:
            pytest.fail(f"yaml-language-server svarade inte på {method} inom {TIMEOUT} s")
        assert "error" not in answer, answer
        return answer["result"]

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def open(self, path: Path) -> str:
        uri = path.as_uri()
        text = path.read_text("utf-8")
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        return uri

    def completion(self, uri: str, line: int, character: int) -> dict[str, str]:
        """Return label → documentation (Markdown) of the completion items at a position.

        The server applies the settings a moment after it asked for them, as in the editor;
        until a schema applies it offers only a snippet for a modeline ("Inline schema"), so
        this asks again for a few seconds."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            result = self.request(
                "textDocument/completion",
                {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
            )
            items = result["items"] if isinstance(result, dict) else result
            offered = {item["label"]: _text(item.get("documentation")) for item in items}
            if set(offered) - {"Inline schema"} or time.monotonic() > deadline:
                return offered
            time.sleep(0.2)

    def hover(self, uri: str, line: int, character: int) -> str:
        result = self.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        return _text(result["contents"]) if result else ""

    def wait_for_diagnostic(self, uri: str, line: int) -> list[dict[str, Any]]:
        """Wait for diagnostics of the document that include one on ``line`` (0-based)."""
        found: list[dict[str, Any]] = []
        waiting = self._diagnostics(uri)
        while True:
            try:
                found = waiting.get(timeout=TIMEOUT)
            except queue.Empty:
                pytest.fail(f"inget fel på rad {line + 1} i {uri}; senaste: {found}")
            if any(d["range"]["start"]["line"] == line for d in found):
                return found

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.process.wait(timeout=5)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.reader.join(timeout=5)
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()


def _section(settings: dict[str, Any], section: str) -> dict[str, Any]:
    """The settings of one section as VS Code passes them to a language server: the
    flat "yaml.schemas" key of settings.json becomes {"schemas": …} of section "yaml"."""
    prefix = section + "."
    return {key.removeprefix(prefix): v for key, v in settings.items() if key.startswith(prefix)}


def _text(documentation: Any) -> str:
    if isinstance(documentation, dict):
        return str(documentation.get("value", ""))
    if isinstance(documentation, list):
        return "\n".join(_text(part) for part in documentation)
    return str(documentation or "")


def _line_of(path: Path, start: str) -> int:
    """The 0-based number of the first line of ``path`` that starts with ``start``."""
    lines = path.read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines) if line.startswith(start))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _blank_line_before(path: Path, start: str) -> int:
    """Insert an empty line before the first line starting with ``start`` (a top-level key)
    and return its 0-based number: where a user starts typing a new key."""
    line = _line_of(path, start)
    lines = path.read_text("utf-8").split("\n")
    path.write_text("\n".join([*lines[:line], "", *lines[line:]]), encoding="utf-8")
    return line


def _beslut(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("redigera") / "arbetsyta"
    _beslut("init", str(root))
    target = root / "content" / "ärenden" / "KS-2026-5.yaml"
    _beslut("new", "tjänsteskrivelse", "--dnr", "KS 2026/5", "--arbetsyta", str(root),
            "--fil", str(target))  # fmt: skip
    _beslut("new", "sammanträde", "--datum", "2031-03-11", "--arbetsyta", str(root))
    # Moved into subfolders after they were made: the help must follow them.
    moved = root / "content" / "ärenden" / "2026" / "ekonomi"
    moved.mkdir(parents=True)
    target.rename(moved / target.name)
    meeting = root / "content" / "möten" / "2031-03-11-ks.yaml"
    (root / "content" / "möten" / "2031").mkdir()
    meeting.rename(root / "content" / "möten" / "2031" / meeting.name)
    return root


@pytest.fixture(scope="module")
def server(workspace: Path) -> Iterator[LanguageServer]:
    need(
        shutil.which("node") is not None and SERVER_BIN.is_file(),
        "yaml-language-server (node och npm-paketet i .cache/npm, se make test)",
    )
    settings = json.loads((workspace / ".vscode" / "settings.json").read_text("utf-8"))
    client = LanguageServer(workspace, settings)
    yield client
    client.close()


def test_init_writes_the_association_and_recommends_the_extension(workspace: Path) -> None:
    settings = json.loads((workspace / ".vscode" / "settings.json").read_text("utf-8"))
    assert settings["yaml.schemas"]["./schemas/arende.schema.json"] == [
        "content/ärenden/**/*.yaml",
        "content/ärenden/**/*.yml",
        "content/%C3%A4renden/**/*.yaml",
        "content/%C3%A4renden/**/*.yml",
    ]
    for schema in settings["yaml.schemas"]:
        assert (workspace / schema).is_file(), schema
    extensions = json.loads((workspace / ".vscode" / "extensions.json").read_text("utf-8"))
    assert extensions == {"recommendations": ["redhat.vscode-yaml"]}
    for made in workspace.glob("content/**/*.yaml"):
        assert "yaml-language-server" not in made.read_text("utf-8"), made


def test_a_moved_yaml_case_gets_swedish_completion_and_diagnostics(
    workspace: Path, server: LanguageServer
) -> None:
    path = workspace / "content" / "ärenden" / "2026" / "ekonomi" / "KS-2026-5.yaml"
    _replace(path, "beslutsunderlag:\n  - ", "beslutsunderlag: Ett underlag\n# - ")
    line = _blank_line_before(path, "rubrik:")
    uri = server.open(path)
    offered = server.completion(uri, line, 0)
    assert "underrubrik" in offered, sorted(offered)
    assert "Underrubrik (valfri), högst 200 tecken." in offered["underrubrik"]
    assert "sekretess" in offered
    problems = server.wait_for_diagnostic(uri, _line_of(path, "beslutsunderlag:"))
    assert any("array" in d["message"] for d in problems), problems
    hover = server.hover(uri, _line_of(path, "typ:"), 1)
    assert "Dokumenttyp" in hover and "DocumentType" not in hover, hover


def test_the_profile_gets_swedish_completion_and_diagnostics(
    workspace: Path, server: LanguageServer
) -> None:
    path = workspace / "content" / "profil.yaml"
    _replace(path, "organ:\n", "organ: Kommunstyrelsen\nfelaktiga_organ:\n")
    line = _blank_line_before(path, "organisation:")
    uri = server.open(path)
    offered = server.completion(uri, line, 0)
    assert "förvaltningar" in offered, sorted(offered)
    assert "Förvaltningar med eget brevhuvud" in offered["förvaltningar"]
    problems = server.wait_for_diagnostic(uri, _line_of(path, "organ:"))
    assert any("array" in d["message"] for d in problems), problems


def test_a_moved_meeting_gets_swedish_completion_and_diagnostics(
    workspace: Path, server: LanguageServer
) -> None:
    path = workspace / "content" / "möten" / "2031" / "2031-03-11-ks.yaml"
    _replace(path, "  - typ: föredragningslista", "  - typ: föredragningslistan")
    line = _blank_line_before(path, "plats:")
    uri = server.open(path)
    offered = server.completion(uri, line, 0)
    assert "utskicksdatum" in offered, sorted(offered)
    assert "Utskicksdatum (valfritt)." in offered["utskicksdatum"]
    problems = server.wait_for_diagnostic(uri, _line_of(path, "  - typ: föredragningslistan"))
    assert any("föredragningslista" in d["message"] for d in problems), problems


def test_settings_are_merged_into_the_users_settings(tmp_path: Path) -> None:
    vscode = tmp_path / ".vscode"
    vscode.mkdir()
    user = {
        "editor.fontSize": 15,
        "yaml.schemas": {"./annat.schema.json": ["annat/*.yaml"]},
    }
    (vscode / "settings.json").write_text(json.dumps(user), encoding="utf-8")
    (vscode / "extensions.json").write_text('{"recommendations": ["a.b"]}', encoding="utf-8")
    result = write_editor_settings(tmp_path)
    assert result.warnings == ()
    settings = json.loads((vscode / "settings.json").read_text("utf-8"))
    assert settings["editor.fontSize"] == 15
    assert settings["yaml.schemas"] == {"./annat.schema.json": ["annat/*.yaml"], **yaml_schemas()}
    extensions = json.loads((vscode / "extensions.json").read_text("utf-8"))
    assert extensions["recommendations"] == ["a.b", "redhat.vscode-yaml"]
    again = write_editor_settings(tmp_path)
    assert again.written == ()


def test_settings_that_are_not_json_are_left_with_a_swedish_warning(tmp_path: Path) -> None:
    vscode = tmp_path / ".vscode"
    vscode.mkdir()
    jsonc = '{\n  // min inställning\n  "editor.fontSize": 15,\n}\n'
    (vscode / "settings.json").write_text(jsonc, encoding="utf-8")
    result = write_editor_settings(tmp_path)
    assert (vscode / "settings.json").read_text("utf-8") == jsonc
    assert result.written == (vscode / "extensions.json",)
    (warning,) = result.warnings
    assert warning.startswith(".vscode/settings.json: ändrades inte (inte giltig JSON, rad 2")
    assert '"./schemas/arende.schema.json"' in warning


def test_schema_command_warns_in_swedish_and_succeeds(tmp_path: Path) -> None:
    _beslut("init", str(tmp_path / "ws"))
    settings = tmp_path / "ws" / ".vscode" / "settings.json"
    settings.write_text("{ // kommentar\n}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["schema", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("beslut: varning: .vscode/settings.json: ändrades inte")
    assert "Lägg själv till" in result.stderr
    assert settings.read_text("utf-8") == "{ // kommentar\n}\n"


OLD_CASE_LINE = "# yaml-language-server: $schema=../../schemas/arende.schema.json\n"


def test_schema_command_takes_out_the_old_schema_lines(tmp_path: Path) -> None:
    """Files from an earlier beslut start with a schema line relative to the file; it breaks
    when the file moves and overrides the workspace association, so beslut schema removes it
    (only beslut's own line, only once the association is written)."""
    root = tmp_path / "ws"
    _beslut("init", str(root))
    case = root / "content" / "ärenden" / "KS-2026-1.md"
    _replace(case, "---\n", "---\n" + OLD_CASE_LINE)
    profile = root / "content" / "profil.yaml"
    profile.write_text(
        "# yaml-language-server: $schema=../schemas/profil.schema.json\n"
        + profile.read_text("utf-8"),
        encoding="utf-8",
    )
    own = root / "content" / "ärenden" / "egen.yaml"
    own.write_text("# yaml-language-server: $schema=https://example.org/x.json\na: 1\n", "utf-8")
    settings = root / ".vscode" / "settings.json"
    settings.write_text("{ // kommentar\n}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["schema", str(root)])
    assert result.exit_code == 0, result.output
    assert OLD_CASE_LINE in case.read_text("utf-8")  # no association yet: the line stays

    settings.unlink()
    result = CliRunner().invoke(cli, ["schema", str(root)])
    assert result.exit_code == 0, result.output
    assert f"tog bort schemaraden (# yaml-language-server) ur {case};" in result.stdout
    assert case.read_text("utf-8").startswith('---\n# Skapad med "beslut new".')
    assert profile.read_text("utf-8").startswith("# Organisationsprofil för beslut.")
    assert own.read_text("utf-8").startswith("# yaml-language-server: $schema=https://")
    assert "egen.yaml" not in result.stdout


def test_a_protokoll_gets_swedish_completion_and_diagnostics(
    workspace: Path, server: LanguageServer
) -> None:
    path = workspace / "content" / "protokoll" / "2031-03-11-ks.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "typ: protokoll\nsammanträde: 2031-03-11-ks\ntid: 09.00–10.00\nförsta_paragraf: ett\n"
        "justerare:\n  - Anna Berglund\njustering:\n  datum: 2031-03-18\n  plats: Stadshuset\n",
        encoding="utf-8",
    )
    line = _blank_line_before(path, "justerare:")
    uri = server.open(path)
    offered = server.completion(uri, line, 0)
    assert "tjänstgörande_ersättare" in offered, sorted(offered)
    assert "Ersättare som tjänstgjorde." in offered["tjänstgörande_ersättare"]
    problems = server.wait_for_diagnostic(uri, _line_of(path, "första_paragraf:"))
    assert any("integer" in d["message"] for d in problems), problems
