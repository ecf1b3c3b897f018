"""`taraza plan ...`: parse action plans and load them into the corpus database."""
from __future__ import annotations

import hashlib
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from .document import TarazaError


def unresolved_names(unresolved: list[dict], limit: int = 5) -> str:
    """«: «Антимонопольная служба» (measure 4), «ХЗЦ» (measures 3.2, 5.1), … and 2 more (plan_unresolved_agencies)»: the
    names the registry (rules/agencies.yml) could not resolve, so the user need not query the table for them."""
    if not unresolved:
        return ""
    refs: dict[str, list[str]] = {}
    for u in unresolved:
        refs.setdefault(u["abbr"], []).append(str(u["ref"]))
    shown = [f"«{name}» ({'measure ' if len(r) == 1 else 'measures '}{', '.join(r)})"
             for name, r in list(refs.items())[:limit]]
    more = f", … and {len(refs) - limit} more" if len(refs) > limit else ""
    return ": " + ", ".join(shown) + more + " (table plan_unresolved_agencies)"


@click.group("plan")
def plan():
    """Anti-corruption action plans: sections, tasks, measures, deadlines, agencies, indicators.

    \b
    Examples:
      taraza plan parse ../shared/seeds/plan-2015-2017-resolution-170.ky.txt --json
      taraza plan load ../shared/seeds/plan-2015-2017-resolution-170.ky.txt
    """


@plan.command("parse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='Print {"plan", "sections", "tasks", "measures", "abbreviations", "unresolved"} as JSON.')
def parse_cmd(file, as_json):
    """Parse one plan (flattened text, HTML table or DOCX table) and print its measures.

    Each measure has its ref («27.3», or «6» for a task without numbered measures), section (Roman numeral),
    task title, text, deadline ({raw, kind, start, end, recurring}), responsible agencies (resolved through
    the plan's own list of abbreviations, then rules/agencies.yml, with the «(макулдашуу боюнча)» flag),
    expected results and indicators. Responsible entries that resolve nowhere are listed, not dropped.

    \b
    Example:
      taraza plan parse ../shared/seeds/plan-2015-2017-resolution-170.ky.txt --json
    """
    from .cli import act_heading
    from .plan import parse_plan

    p = parse_plan(file)
    if as_json:
        click.echo(json.dumps(p.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo(f"{file} [{p.language}] {act_heading(p.act_type, p.act_date, p.act_number)} "
               f"({p.period_start or '?'} – {p.period_end or '?'})")
    click.echo(f"  {p.title}")
    for section in p.sections:
        click.echo(f"{section.number}. {section.title}")
        for m in (m for m in p.measures if m.section == section.number):
            d = m.deadline
            who = ", ".join(a.abbr + (" (*)" if a.by_agreement else "") + ("" if a.resolved else " [?]")
                            for a in m.agencies)
            click.echo(f"  {m.ref:>6}  {d.kind:<11} {d.end or '-':<8} {who}")
    click.echo(f"{len(p.sections)} sections, {len(p.tasks)} tasks, {len(p.measures)} measures, "
               f"{len(p.abbreviations)} abbreviations, {len(p.unresolved)} unresolved responsible entries")
    for u in p.unresolved:
        click.echo(f"  unresolved: {u['abbr']} (measure {u['ref']}, {u['source']})", err=True)


@plan.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit with status 1 if any plan could not be loaded.")
@click.pass_context
def load_cmd(ctx, files, strict):
    """Parse plans and write them into the corpus database (plans, plan_sections, plan_tasks, measures,
    measure_agencies, agencies, plan_abbreviations).

    Each plan is written in one transaction: a plan whose layout breaks is reported (by line or table
    cell, also in the plan_errors table) and nothing of it is written; the other files are still loaded.
    Loading the same file again replaces its rows.

    \b
    Example:
      taraza plan load ../shared/seeds/plan-2015-2017-resolution-170.ky.txt
    """
    from .cli import open_db_from
    from .plan import parse_plan, store_plan

    db = open_db_from(ctx)
    failed = 0
    for file in files:
        try:
            p = parse_plan(file)
            pid = store_plan(db, p)
        except TarazaError as exc:
            failed += 1
            click.echo(f"  failed: {exc}", err=True)
            reason = exc.reason
            db["plan_errors"].insert({
                "id": hashlib.sha256(f"{file}\n{reason}".encode()).hexdigest()[:16], "path": str(file),
                "reason": reason, "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }, pk="id", replace=True)
            continue
        click.echo(f"{file}: plan {pid}: {len(p.sections)} sections, {len(p.tasks)} tasks, "
                   f"{len(p.measures)} measures, {len(p.unresolved)} unresolved responsible entries"
                   + unresolved_names(p.unresolved))
    if failed and (strict or len(files) == 1):
        sys.exit(1)
