"""The public website (``output/webb/``), built from the published versions' public manifests.

``manifests.py`` reads them (the only reader of the export contract here), ``pages.py`` plans
the pages as data, ``render.py`` writes HTML, Atom and JSON from ``templates/``. Nothing here
writes a file: :mod:`beslut.publish.website` does.
"""
