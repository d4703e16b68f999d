from __future__ import annotations

import beslut


def test_all_is_honest() -> None:
    for name in beslut.__all__:
        assert hasattr(beslut, name), name
    public = {n for n in dir(beslut) if not n.startswith("_")} - {"annotations"}
    modules = {n for n in public if type(getattr(beslut, n)).__name__ == "module"}
    assert public - modules - set(beslut.__all__) == set()


def test_readme_reference_is_current() -> None:
    from beslut.reference import update_readme
    from conftest import REPO

    text = (REPO / "README.md").read_text("utf-8")
    assert update_readme(text) == text, "README:s nyckelreferens är inaktuell: python -m beslut.reference"


def test_readme_starts_with_the_two_commands() -> None:
    from conftest import REPO

    text = (REPO / "README.md").read_text("utf-8")
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert first_block.startswith("make demo")
    assert "\nmake test" in first_block
