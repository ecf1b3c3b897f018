"""Keep the server console for real errors.

Datasette (0.65) prints a full rich traceback, with every local variable, for each exception it handles
when ``rich`` is installed, including a plain 404 for a mistyped URL or a 400 for a bad query string. A
person running ``taraza serve`` then sees a screen of traceback per stale bookmark and misses the one that
matters. Datasette's default handler always runs (every handle_exception hook is awaited), so a hook of ours
cannot stop the dump; instead the ``rich`` its module prints through is wrapped, once, at plugin load: client
errors (4xx) print nothing, the error page is still Datasette's own, and server errors keep their traceback.
"""
from __future__ import annotations

import sys

from datasette import handle_exception as _default
from datasette.utils.asgi import Base400


class _QuietClientErrors:
    """Stands in for the ``rich`` module inside datasette.handle_exception (it only calls
    ``rich.get_console().print_exception(...)``)."""

    def __init__(self, rich):
        self.rich = rich

    def get_console(self):
        return self

    def print_exception(self, **kwargs):
        if isinstance(sys.exc_info()[1], Base400):
            return
        self.rich.get_console().print_exception(**kwargs)


if getattr(_default, "rich", None) is not None and not isinstance(_default.rich, _QuietClientErrors):
    _default.rich = _QuietClientErrors(_default.rich)
