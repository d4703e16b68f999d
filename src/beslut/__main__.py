"""``python -m beslut``."""

from beslut.cli.main import main

main()
