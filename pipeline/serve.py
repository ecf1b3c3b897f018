"""Serve the public database with Datasette: read-only, time-limited, robots kept to the home page.

``make_datasette`` is the one place the site is configured; ``taraza serve`` and the tests both use it.
``--local`` adds the draft check page for agencies (``pipeline/check_page.py``), which the public instance
never has: the public site takes no uploads and writes nothing.
"""
from __future__ import annotations

from pathlib import Path

import click

from .document import TarazaError
from .publish import DB_NAME, DEFAULT_OUT, METADATA, ROOT, load_metadata, prune_metadata

PLUGINS_DIR = ROOT / "plugins"
TEMPLATES_DIR = ROOT / "templates"
# Datasette settings for a public, read-only site over a large table of clauses (see
# ../shared/docs/datasette-and-style.md §2.6): every query is cut off after 3 s, facets after 0.5 s; no
# suggested facets (costly on big tables); long legal texts truncated in table views; pages cached for
# 5 minutes (a rebuilt database shows up soon after a restart).
SETTINGS = {
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "suggest_facets": False,
    "max_returned_rows": 1000,
    "default_page_size": 50,
    "truncate_cells_html": 400,
    "max_csv_mb": 50,
    "default_cache_ttl": 300,
    "num_sql_threads": 4,
}


def make_datasette(db_path: str | Path = DEFAULT_OUT, *, local: bool = False, metadata: dict | None = None,
                   settings: dict | None = None, log=None):
    """A configured Datasette for the public database (immutable); with ``local`` also the check page."""
    from datasette.app import Datasette

    db_path = Path(db_path)
    if not db_path.is_file():
        raise TarazaError(db_path, "public database not found (run `taraza publish` first)")
    if metadata is None:
        metadata, notes = prune_metadata(load_metadata(METADATA), db_path)
        for note in notes:
            (log or (lambda m: None))(note)
    if local:
        from . import check_page

        check_page.register()
        metadata = {**metadata, "plugins": {**(metadata.get("plugins") or {}), "taraza-check": {"enabled": True}}}
    ds = Datasette(
        immutables=[str(db_path)],
        metadata=metadata,
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR) if TEMPLATES_DIR.is_dir() else None,
        settings={**SETTINGS, **(settings or {})},
    )
    if db_path.stem != DB_NAME:
        # Datasette names a database after its file; the site (metadata, links, templates) is written
        # for /taraza/, whatever the file is called.
        from datasette.database import Database

        ds.remove_database(db_path.stem)
        ds.add_database(Database(ds, str(db_path), is_mutable=False), name=DB_NAME)
    return ds


@click.command("serve")
@click.argument("db", required=False, type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_OUT)
@click.option("--local", is_flag=True,
              help="Also serve the draft check page (/-/check) for agencies. Never use on a public server.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("-p", "--port", default=8001, show_default=True, type=int, help="Port to listen on.")
def serve_command(db, local, host, port):
    """Serve the public database DB (default data/public.db, what `taraza publish` writes) with Datasette,
    read-only.

    The database is opened immutable; SQL queries stop after 3 seconds; robots.txt lets crawlers see only
    the home page. Search pages: /taraza/search_clauses?q=..., dashboard: /-/dashboards/monitoring.
    With --local the page /-/check takes a DOCX, PDF or TXT draft and returns the analyzer's expert report and
    the annotated DOCX; it is meant for an agency's own computer and is refused on any host but 127.0.0.1
    or localhost.

    \b
    Example:
      taraza serve data/public.db --port 8001
      taraza serve --local
    """
    import uvicorn

    if local and host not in ("127.0.0.1", "localhost", "::1"):
        raise TarazaError(db, f"--local serves uploads and must listen on 127.0.0.1, not {host}")
    ds = make_datasette(db, local=local, log=lambda m: click.echo(f"  {m}", err=True))
    click.echo(f"serving {db} at http://{host}:{port}/" + (f"  (check page: http://{host}:{port}/-/check)"
                                                            if local else ""), err=True)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
