"""``taraza build``: the main job — build the corpus database from the bundled inputs, then the public one.

build → index → canned search → smoke test → publish, as in simonw/til: every step is an ordinary
``taraza`` command, so a user can rerun any one of them alone. The bundled inputs are the made-up demo drafts
and reports in ``corpus/demo/`` and, when ``../shared`` is present, the real acts and the seed plan there.
"""
from __future__ import annotations

import time
from pathlib import Path

import click

from corpus import DEMO_DIR

ROOT = Path(__file__).resolve().parents[1]
# Folders of ../shared/corpus-samples with whole acts, ingested by the main job.
ACT_FOLDERS = ("cbd-minjust-docx", "cbd-minjust-pdf", "kg-codes-extracted-text")


def build_steps(shared: Path | None, public_db: str) -> list[list[str]]:
    steps: list[list[str]] = [
        ["ingest", "--kind", "draft", "--source", "demo",
         *[str(p) for p in sorted(DEMO_DIR.glob("made-up-draft-*"))]],
    ]
    if shared is not None:
        samples = shared / "corpus-samples"
        # Whole acts only: cbd-minjust-api-edition-html holds trimmed fragments of the source's HTML (parser
        # test material for tests/), which would be published as title-less «acts».
        steps.append(["ingest", "--source", "minjust", *[str(samples / name) for name in ACT_FOLDERS]])
    steps.append(["analyze", "--jobs", "2", *[str(p) for p in sorted(DEMO_DIR.glob("made-up-draft-*"))]])
    if shared is not None:
        plan = str(shared / "seeds" / "plan-2015-2017-resolution-170.ky.txt")
        steps += [
            ["plan", "load", plan],
            ["match", "--plan", plan, "--report", str(DEMO_DIR / "reports")],
            ["monitor", "--plan", plan],
        ]
    steps.append(["publish", "-o", public_db])
    return steps


@click.command()
@click.option("--shared", type=click.Path(file_okay=False, path_type=Path), default=ROOT.parent / "shared",
              show_default=True, help="Folder with the real material (skipped when it does not exist).")
@click.option("--public", "public_db", default="data/public.db", show_default=True, help="Public database to write.")
@click.pass_context
def build(ctx, shared, public_db):
    """Build the corpus database from the bundled inputs and publish the searchable database.

    Runs, in order: ingest the made-up demo drafts, ingest the real acts in ../shared/corpus-samples, analyze
    the drafts for corruption factors, load the seed action plan, match the demo reports to its measures,
    compute monitoring coverage, publish. Safe to rerun: unchanged inputs are skipped.

    \b
    Example:
      taraza build && taraza serve data/public.db
    """
    from .cli import main

    shared = shared if shared and shared.is_dir() else None
    if shared is None:
        click.echo("note: ../shared not found; building from the demo inputs only", err=True)
    for step in build_steps(shared, public_db):
        click.echo(f"$ taraza {' '.join(step[:4])}{' ...' if len(step) > 4 else ''}", err=True)
        t = time.time()
        main.main(["--db", ctx.obj["db_path"], *step], standalone_mode=False, obj=ctx.obj)
        click.echo(f"  ({time.time() - t:.1f} s)", err=True)
