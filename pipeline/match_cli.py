"""Commands of the monitoring stage: ``taraza match``, ``taraza monitor``, ``taraza lexicon build``."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from .dates import DATE, REPORT_DATE
from .document import TarazaError


def _index_for(plan_paths: tuple[Path, ...]):
    """The plan (the first file) and its index; a second file is the same plan in the other language."""
    from .match import MeasureIndex, load_plan

    if len(plan_paths) > 2:
        raise click.UsageError("give one plan, or one plan and its edition in the other language (--plan twice)")
    plan = load_plan(plan_paths[0])
    twin = load_plan(plan_paths[1]) if len(plan_paths) > 1 else None
    index = MeasureIndex(plan, twin=twin)
    if twin is not None:
        missing, extra = index.twin_coverage()
        click.echo(f"plan {plan_paths[0].name} ({plan.language}) with its {twin.language} edition {plan_paths[1].name}: "
                   f"{len(index.refs) - len(missing)} items in both"
                   + (f"; only in the {plan.language} edition: {', '.join(missing)}" if missing else "")
                   + (f"; only in the {twin.language} edition (ignored): {', '.join(extra)}" if extra else ""), err=True)
    return plan, index


@click.command()
@click.option("--plan", "plan_path", required=True, multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Plan file (TXT/HTML/DOCX) parsed into measures. Give it twice for a plan published in both "
                   "languages (e.g. the .ky and the .ru edition): items are aligned by number, the first file's "
                   "items are the answers, and each passage is scored against the edition in its own language.")
@click.option("--input", "input_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSONL of passages: {\"id\", \"text\", \"lang\"} with optional \"agency\", \"date\".")
@click.option("--output", "output_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the JSONL results (default: standard output).")
@click.option("--report", "as_reports", is_flag=True,
              help="Treat FILES as whole reports (DOCX/PDF/HTML/TXT): passages and matches go into the database.")
@click.option("--agency", "agency", default=None, metavar="NAME",
              help="With --report: who issued these reports: a registry id (minjust), abbreviation or name. A body "
                   "the registry does not hold (an NGO's alternative report) is recorded as written and counts as "
                   "no body's own report. Default: the body a header line names as the issuer (a letterhead, "
                   "«Информация Министерства …»); a body only mentioned in the text is not the author.")
@click.option("--date", "report_date", type=REPORT_DATE, default=None, metavar="DATE",
              help="With --report: the reports' date, YYYY-MM-DD, DD.MM.YYYY, YYYY-MM or YYYY (default: the first date or year in the header).")
@click.option("--strict", is_flag=True, help="Exit with status 1 if any report could not be read.")
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def match(ctx, plan_path, input_path, output_path, as_reports, agency, report_date, strict, files):
    """Match report passages to the measures of an action plan, with status and figures.

    With --input: each JSONL line {"id","text","lang"[,"agency","date"]} gives one output line
    {"id","refs":[{"ref","score"}] (best first, at most 3, empty when the passage reports nothing in the
    plan),"status","passage_status","p_on_plan","figures":[{"value","meaning",...}]}. "status" (done, in_progress,
    not_done, unclear) is what the passage says of the work on its best measure, «unclear» when it gets none;
    "passage_status" is what its words say, matched or not (read it on a passage the matcher missed).
    A bad line (not JSON, no "text", a "date" that is no date) is reported on stderr with its number and
    skipped; the other lines are matched and the exit code is 1.

    A score is not a probability and has no upper bound: it is the measure's combined z-score, how many
    standard deviations its similarity to the passage stands above the average measure of the plan (the
    channels' z-scores, weighted, plus the agency and deadline priors); compare the candidates of one passage
    by it. Whether a passage gets a measure at all is decided by the abstention model: "p_on_plan" (0–1) is
    its probability that the passage reports on the plan; under the cut of rules/match_abstain.yml (per
    language) the passage gets no measure, unless a report-form row names its plan item.

    With --report: each file is read, cut into passages (paragraphs, list items, table rows, with offsets)
    and matched; reports, passages, matches and figures go into the database. A file that cannot be read is
    reported by name and the others are still matched.

    \b
    Examples:
      taraza match --plan ../shared/seeds/plan-2015-2017-resolution-170.ky.txt --input in.jsonl --output out.jsonl
      taraza match --plan ../shared/seeds/plan-2015-2017-resolution-170.ky.txt --report corpus/demo/reports/*
      taraza match --plan ../shared/seeds/plan-2015-2017-resolution-170.ky.txt --report ngo.ru.txt --agency "ОО Прозрачность" --date 2016-12-01
      taraza match --plan plan.ky.docx --plan plan.ru.docx --input in.jsonl
    """
    from .cli import open_db_from
    from .match import match_lines, match_report

    if bool(input_path) == bool(as_reports):
        raise click.UsageError("give either --input IN.jsonl or --report FILE...")
    if as_reports and not files:
        raise click.UsageError("--report needs at least one report file")
    if files and not as_reports:
        raise click.UsageError("report files are given with --report")
    if (agency or report_date) and not as_reports:
        raise click.UsageError("--agency and --date describe whole reports (--report); JSONL lines carry their own")
    plan, index = _index_for(plan_path)
    if input_path:
        lines = input_path.read_text(encoding="utf-8").splitlines()
        bad: list[TarazaError] = []
        results = match_lines(index, lines, bad)
        for exc in bad:  # one bad line is that line's problem: the others are still matched
            click.echo(f"{input_path}: {exc.path}: {exc.reason}", err=True)
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
        if output_path:
            output_path.parent.mkdir(parents=True, exist_ok=True)
            output_path.write_text(text, encoding="utf-8")
            matched = sum(1 for r in results if r["refs"])
            click.echo(f"{len(results)} passages, {matched} matched, {len(results) - matched} abstained"
                       + (f", {len(bad)} bad lines skipped" if bad else "") + f" → {output_path}", err=True)
        else:
            click.echo(text, nl=False)
        if bad:
            sys.exit(1)  # after every good line was matched and written: a script sees the failures
        return
    from .ingest import iter_input_files, read_document
    from .plan import store_plan
    from .store import record_error

    db = open_db_from(ctx)
    plan_id = store_plan(db, plan)
    errors = []
    done = 0
    for f in iter_input_files(files):
        try:
            doc = read_document(f, kind="report", source="reports", made_up="made-up" in f.name)
            r = match_report(db, index, doc, plan_id, agency, report_date)
        except TarazaError as exc:
            errors.append((str(f), exc.reason))
            record_error(db, str(f), exc.reason)
            click.echo(f"  failed: {f}: {exc.reason}", err=True)
            continue
        done += 1
        author = (", ".join(r["agency_ids"]) if r["agency_ids"] else
                  f"«{r['agency']}»: not a registry body, no body's own report" if r["agency"] else
                  "issuer not named in the header: give --agency")
        click.echo(f"{r['report']}: {r['passages']} passages, {r['matched']} matched"
                   f" [{author}; {r['report_date'] or 'no date'}]")
    click.echo(f"{done} reports matched against plan {plan_id}, {len(errors)} failed")
    if strict and errors:
        sys.exit(1)


@click.command()
@click.option("--plan", "plan_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The plan whose coverage to show (it must have been matched with `taraza match --report`).")
@click.option("--as-of", "as_of", type=DATE, default=None,
              help="Monitoring date (YYYY-MM-DD or DD.MM.YYYY) deadlines are checked against; default today.")
@click.option("--limit", default=0, type=int, help="Show at most this many measures (0 = all).")
@click.option("--json", "as_json", is_flag=True, help="Print the coverage rows as JSON lines.")
@click.pass_context
def monitor(ctx, plan_path, as_of, limit, as_json):
    """Coverage of an action plan: per measure, the responsible and the reporting agencies, the latest
    reported status and the number of passages that report on it. Measures past their deadline with no report
    come first, then those past their deadline whose latest report says not done. Also written to the database
    (tables measure_coverage, agency_coverage). The table is in Russian, with a legend under it; --json gives
    the rows with the database's column names and codes.

    \b
    Columns of the table it prints (--json keys in brackets):
      №              the measure's number in the plan (ref)
      итог           monitoring verdict (flag): «срок прошёл, отчёта нет» overdue_no_report (deadline before
                     --as-of, no report); «срок прошёл, не выполнено» overdue_not_done (past the deadline,
                     the latest report says not done); «отчёта нет» no_report (not yet due, or recurring);
                     «есть отчёт» reported
      срок           the measure's deadline, year-month (deadline_end), «-» when the plan gives none
      статус         latest reported status (latest_status): выполнено done, в процессе in_progress,
                     не выполнено not_done, неясно unclear, «-» no report
      фрагм.         evidence: how many report passages were matched to the measure (best match only;
                     the same passage in a DOCX and a TXT copy of one report counts once) (evidence)
      ответственные  the executors as the plan writes them (responsible_text; the agency_reported page of
                     the site takes these too)
      отчитались     the bodies whose own reports were matched to it, named as in «ответственные»
                     (reporting_text; registry ids in reporting)
      НКО            what reports by no accountable body (an NGO's alternative report, a report with no
                     stated author) say (civil_status), «≠» before it when that differs from the bodies' own
                     latest status (disputed)

    \b
    Example:
      taraza monitor --plan ../shared/seeds/plan-2015-2017-resolution-170.ky.txt --as-of 2018-01-01
    """
    from .cli import open_db_from
    from .match import load_plan
    from .monitor import FLAG_RU, STATUS_RU, compute_coverage
    from .plan import store_plan

    plan = load_plan(plan_path)
    db = open_db_from(ctx)
    if not db["measures"].exists() or not db.execute("select 1 from measures where plan_id = ? limit 1", [plan.id]).fetchone():
        store_plan(db, plan)
    rows = compute_coverage(db, plan, as_of or date.today().isoformat())
    shown = rows[:limit] if limit else rows
    if as_json:
        for r in shown:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    click.echo(f"{'№':>6}  {'итог':25}  {'срок':8}  {'статус':12}  {'НКО':14}  {'фрагм.':>6}  "
               f"{'ответственные':30}  отчитались")
    for r in shown:
        civil = ("≠ " if r["disputed"] else "") + STATUS_RU.get(r["civil_status"], "-")
        click.echo(f"{r['ref']:>6}  {FLAG_RU[r['flag']]:25}  {r['deadline_end'] or '-':8}  "
                   f"{STATUS_RU.get(r['latest_status'], '-'):12}  {civil:14}  {r['evidence']:>6}  "
                   f"{r['responsible_text'][:30]:30}  {r['reporting_text'] or '-'}")
    n = len(rows)
    counts = {f: sum(r["flag"] == f for r in rows) for f in FLAG_RU}
    click.echo(f"Мероприятий: {n}; " + "; ".join(f"{FLAG_RU[f]}: {c}" for f, c in counts.items())
               + f"; оспорено НКО: {sum(r['disputed'] for r in rows)} (на {rows[0]['as_of'] if rows else as_of})")
    click.echo("фрагм. — сколько фрагментов отчётов сопоставлено с мероприятием (копии одного отчёта считаются "
               "один раз); отчитались — органы, чьи собственные отчёты сопоставлены (отчёт НКО сюда не входит); НКО — статус "
               "по отчётам НКО и отчётам без автора, «≠» — он расходится со словами органов. "
               "Үзүндүлөр — иш-чарага тиешелүү отчет үзүндүлөрүнүн саны; отчет бергендер — өз отчету бар органдар.")


@click.group()
def lexicon():
    """The Russian–Kyrgyz lexicon of legal terms used to match across languages.

    \b
    Example:
      taraza lexicon build
    """


@lexicon.command("build")
@click.option("--from", "folder", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of X.ru.docx / X.ky.docx pairs (default ../shared/corpus-samples/cbd-minjust-docx).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="TSV to write (default models/artifacts/ru-ky-lexicon.tsv, with its card beside it).")
def lexicon_build(folder, out):
    """Mine the lexicon from article-aligned parallel editions (IBM Model 1 both ways on RU lemmas and KY stems).

    \b
    Example:
      taraza lexicon build --from ../shared/corpus-samples/cbd-minjust-docx/
    """
    from . import lexicon as lx

    entries = lx.build(folder or lx.DEFAULT_PARALLEL, out or lx.ARTIFACT, progress=lambda m: click.echo(m, err=True))
    click.echo(f"{len(entries)} pairs → {out or lx.ARTIFACT}")


def print_matching_evaluation(result: dict, title: str = "dev set") -> None:
    """Print `evaluate_matching()` as the evaluate command shows it."""
    click.echo(f"matching ({title}; counts in brackets)")
    for lang, r in sorted(result["by_lang"].items()):
        c = r["counts"]

        def f(x):
            return "n/a" if x is None else f"{x:.3f}"

        click.echo(f"  {lang}: top-1 {f(r['top1'])} [{c.get('top1', 0)}/{r['with_gold']}]  "
                   f"top-3 {f(r['top3'])} [{c.get('top3', 0)}/{r['with_gold']}]  "
                   f"abstained on none {f(r['abstention'])} [{c.get('abstained', 0)}/{r['none']}]  "
                   f"status {f(r['status'])} [{c.get('status_ok', 0)}/{r['passages']}]  "
                   f"figure values {f(r['figures_recall'])} [{c.get('fig_found', 0)}/{c.get('fig_gold', 0)}]")
        click.echo(f"      ranking alone (abstention ignored): top-1 {f(r['ranked_top1'])} [{c.get('ranked1', 0)}/{r['with_gold']}]  "
                   f"top-3 {f(r['ranked_top3'])} [{c.get('ranked3', 0)}/{r['with_gold']}]  "
                   f"abstained on passages with a gold measure {f(r['gold_abstained'])} [{c.get('gold_abstained', 0)}/{r['with_gold']}]")


def evaluate_task_matching(dev_set: str | Path | None = None, plan: str | Path | None = None) -> dict:
    """The `taraza evaluate --task matching` job: measure on the dev set and print per-language figures."""
    from .match import DEV_SET, evaluate_matching

    result = evaluate_matching(dev_set or DEV_SET, plan_path=plan)
    print_matching_evaluation(result)
    return result
