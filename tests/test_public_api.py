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
