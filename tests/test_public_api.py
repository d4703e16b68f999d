from __future__ import annotations

import beslut


def test_all_is_honest() -> None:
    for name in beslut.__all__:
        assert hasattr(beslut, name), name
        assert getattr(beslut, name) is not None
    assert set(dir(beslut)) == set(beslut.__all__)


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = "import sys, beslut; print(sorted(m for m in ('docx', 'docxtpl', 'pypdf', 'pydantic') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _loaded(statement: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after ``statement``."""
    import ast
    import subprocess
    import sys

    code = f"import sys; {statement}; print(sorted(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(ast.literal_eval(out.stdout))


def test_a_build_and_a_check_import_only_what_they_use() -> None:
    """A build (the service's warm-up, the command in-process) loads no authoring tools, no
    file watcher, no urllib/http and no python-stdnum; ``from beslut import api`` (a check) no
    pipeline. They are imported where used (``api.py``, ``checks/personal_data.py``)."""
    build = "import beslut.cli.main; from beslut import api; import beslut.pipeline"
    unused = ("beslut.authoring", "beslut.watching", "watchfiles", "urllib.request", "http.client")
    assert _loaded(build, (*unused, "stdnum")) == []
    assert _loaded("from beslut import api", ("beslut.pipeline", "pypdf", "reportlab")) == []


def test_readme_reference_is_current() -> None:
    from beslut.authoring.reference import update_readme
    from conftest import REPO

    text = (REPO / "README.md").read_text("utf-8")
    assert update_readme(text) == text, (
        "README:s nyckelreferens är inaktuell: python -m beslut.authoring.reference"
    )


def test_readme_starts_with_the_two_commands() -> None:
    from conftest import REPO

    text = (REPO / "README.md").read_text("utf-8")
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert first_block.startswith("make demo")
    assert "\nmake test" in first_block


def test_the_public_watch_is_the_function_even_after_the_watcher_is_imported() -> None:
    """``beslut.watch`` is the API function; the watcher module has another name, so importing
    it (as ``beslut watch`` does) cannot put a module in its place."""
    import subprocess
    import sys

    code = (
        "import beslut, beslut.api, beslut.watching; "
        "assert beslut.watch is beslut.api.watch, beslut.watch"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
