"""``beslut serve``: the browser app for case officers and secretaries (Starlette, Jinja)."""
