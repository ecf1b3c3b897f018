"""The ``taraza`` command: one click group for every job.

Each stage keeps its commands next to its code and is registered here in ``COMMANDS``; this file only
wires things up and turns :class:`TarazaError` into a one-line message instead of a traceback.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

import click

from .document import TarazaError

DEFAULT_DB = os.environ.get("TARAZA_DB", "data/taraza.db")
# Commands that only make sense on a built corpus: run on a database that does not exist (another folder,
# a mistyped --db), they would create an empty one and print confident zeros.
READS_DB = {"monitor"}
NO_DB = "no database at this path; run `taraza build` first or pass --db (or set TARAZA_DB)"


class Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TarazaError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)


def act_heading(act_type, act_date, act_number) -> str:
    """«постановление 2015-03-12 № 170», leaving out what the header does not give (no bare «№»)."""
    return " ".join(p for p in (act_type, act_date, f"№ {act_number}" if act_number else "") if p)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, envvar="TARAZA_DB",
              help="Corpus database (SQLite) that commands read and write; the environment variable "
                   "TARAZA_DB sets it too.")
@click.version_option(package_name="taraza")
@click.pass_context
def main(ctx, db_path):
    """Taraza: anti-corruption expertise of Kyrgyz legal acts and drafts (Russian and Kyrgyz),
    and monitoring of anti-corruption action plans.

    \b
    Examples:
      taraza ingest ../shared/corpus-samples/cbd-minjust-docx/
      taraza parse draft.docx --json
      taraza --db other.db ingest reports/
    """
    ctx.ensure_object(dict)
    ctx.obj["db_path"] = db_path


def open_db_from(ctx, must_exist: bool | None = None):
    """The corpus database of ``--db``; a command in :data:`READS_DB` (or ``must_exist``) refuses a missing file."""
    from corpus import open_db

    path = Path(ctx.obj["db_path"])
    if must_exist is None:
        must_exist = ctx.command.name in READS_DB
    if must_exist and not path.is_file():
        raise TarazaError(path.resolve(), NO_DB)
    return open_db(path)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit with status 1 if any file could not be ingested.")
@click.option("--source", default="local", show_default=True, help="Source label stored with each document.")
@click.option("--kind", type=click.Choice(["act", "draft", "report", "plan"]), default="act", show_default=True)
@click.pass_context
def ingest(ctx, paths, strict, source, kind):
    """Read DOCX, PDF, HTML and text files (or folders of them) into the corpus database.

    Each file is normalised, its language detected (ru/ky), its legal structure parsed into articles and
    clauses, and Russian/Kyrgyz editions of one act linked. The same file twice changes nothing; a changed
    file becomes a new version and the old one is kept. Files that cannot be read are reported by name with
    the reason and the rest are ingested.

    \b
    Example:
      taraza ingest ../shared/corpus-samples/cbd-minjust-docx/ --strict
    """
    from .ingest import iter_input_files
    from .store import ingest_files

    db = open_db_from(ctx)
    files = iter_input_files(paths)
    report = ingest_files(db, files, source=source, kind=kind, progress=lambda m: click.echo(m, err=True))
    click.echo(
        f"{report['new']} new, {report['new_version']} new versions, {report['unchanged']} unchanged, "
        f"{len(report['errors'])} failed, {report['links']} RU/KY links"
    )
    for path, reason in report["errors"]:
        click.echo(f"  failed: {path}: {reason}", err=True)
    if strict and report["errors"]:
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the header, tree and clauses as JSON.")
@click.option("--clauses", "with_clauses", is_flag=True,
              help="List every clause in the outline: its label in the act's language, path and text.")
def parse(file, as_json, with_clauses):
    """Parse one act into its structure: sections, chapters, articles, parts, points, subpoints.

    Without --json prints an outline; with --json prints {"language", "header", "tree", "clauses"}: every tree
    node has kind, number (as written), heading and children; every clause has its path («ст. 12 ч. 3 п. 2»,
    the identifier used everywhere), its label in the act's language («12-берене, 3-бөлүк, 2-пункт» for a
    Kyrgyz act), character offsets into the normalised text and the article heading.

    \b
    Examples:
      taraza parse ../shared/corpus-samples/cbd-minjust-docx/constitution-2021.ky.docx --json
      taraza parse draft.docx --clauses
    """
    from .ingest import read_document
    from .structure import clause_label, parse_document

    doc = read_document(file)
    st = parse_document(doc)
    if as_json:
        out = {"file": str(file), "language": doc.language, "banners": doc.banners, **st.to_dict()}
        for clause in out["clauses"]:
            clause["label"] = clause_label(clause["path"], doc.language)
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    h = st.header
    heading = act_heading(h.get("act_type"), h.get("act_date"), h.get("act_number"))
    click.echo(f"{file} [{doc.language}] {heading}")
    click.echo(f"  {h.get('title', '')}")

    def show(nodes, depth):
        for n in nodes:
            if n.kind == "article":
                path = f"ст. {n.number}"
                label = clause_label(path, doc.language)
                shown = path if label == path else f"{label} ({path})"
                click.echo(f"{'  ' * depth}{shown}. {n.heading}")
                show(n.children, depth + 1)
            elif n.kind in ("section", "chapter"):
                click.echo(f"{'  ' * depth}{n.kind} {n.number}. {n.heading}")
                show(n.children, depth + 1)

    show(st.tree, 1)
    if with_clauses:
        for c in st.clauses:
            label = clause_label(c.path, doc.language)
            shown = c.path if label == c.path else f"{label} ({c.path})"
            click.echo(f"  {shown}: {c.text[:100]}")
    click.echo(f"{len(st.articles)} articles, {len(st.clauses)} clauses")


# Commands defined by the other stages, registered by module name (module.attribute).
COMMANDS: list[str] = [
    "pipeline.build:build",
    "pipeline.publish:publish_command",
    "pipeline.serve:serve_command",
    "scrapers.cli:scrape",
    "pipeline.plan_cli:plan",
    "pipeline.match_cli:match",
    "pipeline.match_cli:monitor",
    "pipeline.match_cli:lexicon",
    "pipeline.analyze_cli:classify",
    "pipeline.analyze_cli:check",
    "pipeline.analyze_cli:analyze",
    "pipeline.analyze_cli:evaluate",
]


def _register():
    for spec in COMMANDS:
        module, attr = spec.split(":")
        main.add_command(getattr(importlib.import_module(module), attr))


_register()
