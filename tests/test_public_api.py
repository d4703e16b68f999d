from __future__ import annotations

import beslut


def test_all_is_honest() -> None:
    for name in beslut.__all__:
        assert hasattr(beslut, name), name
    public = {n for n in dir(beslut) if not n.startswith("_")} - {"annotations"}
    modules = {n for n in public if type(getattr(beslut, n)).__name__ == "module"}
    assert public - modules - set(beslut.__all__) == set()
