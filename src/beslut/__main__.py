"""``python -m beslut``."""

from beslut.cli import main

main()
