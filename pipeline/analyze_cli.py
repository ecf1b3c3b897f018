"""Commands of the corruption-factor analyzer: classify, check, analyze, evaluate."""
from __future__ import annotations

import hashlib
import html
import json
import re
import sys
from pathlib import Path

import click

from .document import TarazaError
from .structure import clause_label

DEV_SET = Path(__file__).resolve().parents[1].parent / "shared" / "dev-sets" / "factors-dev.jsonl"


# ---------------------------------------------------------------------------------------------------------
# classify


@click.command()
@click.option("--input", "input_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSON lines {"id", "text", "lang"} with optional "heading" and "lead_in".')
@click.option("--output", "output_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help='JSON lines {"id", "factors": [{"factor", "score", "evidence", "explanation"}]}.')
@click.option("--threshold", type=float, default=None, help="Override the model card's decision threshold.")
def classify(input_path, output_path, threshold):
    """Classify clauses (one JSON object per line) into corruption factors.

    Each input line is {"id", "text", "lang"} (lang ru or ky), optionally with "heading" (the article
    heading), "lead_in" (the paragraph ending in «:» that introduces a list item) and "article" (the text
    of the whole article: a term set there for the same decision clears a missing one). Each output line is
    {"id", "factors": [...]}, an empty list for a clean clause; "evidence" quotes the triggering words.
    A bad line (not JSON, no "id", no "text", another lang) is reported on stderr with its number and
    skipped; the other lines are classified and the exit code is 1.

    \b
    Example:
      taraza classify --input clauses.jsonl --output flags.jsonl
    """
    from .analyze import classify_items

    items, bad = [], 0
    for n, line in enumerate(input_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        problem = None
        try:
            it = json.loads(line)
        except json.JSONDecodeError as exc:
            it, problem = None, f"not JSON: {exc.msg}"
        if problem is None:
            problem = _classify_line_problem(it)
        if problem:
            # one bad line is that line's problem: the others are still classified
            click.echo(f"{input_path}: line {n}: {problem}", err=True)
            bad += 1
            continue
        mismatch = _language_mismatch(it["text"], it["lang"])
        if mismatch:
            click.echo(f"{input_path}: line {n}: warning: {mismatch}", err=True)
        items.append(it)
    flags = classify_items(items, threshold=threshold) if items else []
    with output_path.open("w", encoding="utf-8") as out:
        for it, fl in zip(items, flags):
            out.write(json.dumps({"id": it["id"], "factors": [
                {"factor": f.factor, "score": f.score, "evidence": f.evidence, "explanation": f.explanation}
                for f in fl]}, ensure_ascii=False) + "\n")
    click.echo(f"{len(items)} clauses, {sum(1 for f in flags if f)} with factors"
               + (f", {bad} bad lines skipped" if bad else "") + f" → {output_path}", err=True)
    if bad:
        sys.exit(1)


def _classify_line_problem(it) -> str | None:
    """What makes one classify input line unusable, or None."""
    if not isinstance(it, dict):
        return "not a JSON object"
    if it.get("id") is None or it.get("id") == "":
        return 'no "id"'
    if it.get("lang") not in ("ru", "ky"):
        return f"lang must be 'ru' or 'ky', not {it.get('lang')!r}"
    if not isinstance(it.get("text"), str):
        return 'no "text" (a string)'
    return None


def _language_mismatch(text: str, lang: str) -> str | None:
    """A warning when a clause's words are plainly of the other language: the rules of one language find
    nothing in the other, so such a line would come back clean without a word."""
    from .ingest import detect_language

    # short clauses carry too few letters and function words to tell the languages apart
    seen = detect_language(text) if len(text) >= 60 else None
    if seen and seen != lang:
        names = {"ru": "Russian", "ky": "Kyrgyz"}
        return f"the text looks {names[seen]} but lang is {lang!r}: classified by the {names[lang]} rules"
    return None


# ---------------------------------------------------------------------------------------------------------
# check: one draft → expert report


def analyze_file(path: Path) -> dict:
    """Read, parse and analyze one draft; the report as plain data."""
    from .ingest import read_document
    from .structure import parse_document

    doc = read_document(path)
    return analyze_document(doc, parse_document(doc), path)


def analyze_document(doc, st, path) -> dict:
    """The expert report on one parsed document, as plain data."""
    from .analyze import ANALYZER_VERSION, classify_items, clause_items, document_findings, factor_table, model_version

    if not doc.text.strip():
        raise TarazaError(path, "the document is empty")
    if doc.language not in ("ru", "ky"):
        raise TarazaError(path, "the text is neither Russian nor Kyrgyz")
    clauses = st.clauses
    if not clauses:
        raise TarazaError(path, "no clauses found (is this a legal act?)")
    items = clause_items(clauses, doc.language)
    flags = classify_items(items)
    findings = document_findings(doc.language, clauses, st.header, doc.text)
    rows = []
    for c, fl in zip(clauses, flags):
        for f in fl:
            rows.append({"path": c.path, "article": c.article, "article_heading": c.article_heading,
                         "text": c.text, "start": c.start, "end": c.end, **f.to_dict()})
    flagged = {(r["path"], r["factor"]) for r in rows}
    doc_rows = []
    tf = factor_table()
    for fd in findings:
        if (fd.clause_path, fd.factor) in flagged:
            continue            # the clause flag already says it
        c = next((c for c in clauses if c.path == fd.clause_path), None)
        doc_rows.append({"path": fd.clause_path, "article": c.article if c else "", "text": c.text if c else "",
                         "factor": fd.factor, "score": fd.score, "evidence": fd.evidence,
                         "explanation": fd.explanation, "fix": fd.fix, "source": "document",
                         "name": tf[fd.factor]["name_ky" if doc.language == "ky" else "name_ru"],
                         "start": c.start if c else 0, "end": c.end if c else 0})
    return {"file": str(path), "sha256": doc.sha256, "document_id": doc.id, "language": doc.language,
            "title": doc.title or st.header.get("title", ""), "clauses": len(clauses),
            "flagged_clauses": len({r["path"] for r in rows}), "flags": rows, "findings": doc_rows,
            "analyzer_version": ANALYZER_VERSION, "model_version": model_version()}


def _marked(text: str, spans, mark_open: str, mark_close: str, escape) -> str:
    """``text`` with the evidence spans wrapped in markers: spans that overlap or only a blank parts merged, blanks
    at their edges left outside (Markdown's ** does not close after a space), every piece escaped."""
    merged: list[list[int]] = []
    for a, b in sorted(map(tuple, spans)):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a >= b:
            continue
        if merged and (a <= merged[-1][1] or not text[merged[-1][1]:a].strip()):
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, pos = [], 0
    for a, b in merged:
        out += [escape(text[pos:a]), mark_open, escape(text[a:b]), mark_close]
        pos = b
    out.append(escape(text[pos:]))
    return "".join(out)


def _highlight_html(text: str, spans) -> str:
    """Escape everything; wrap the evidence spans in <mark>. Scraped text never becomes markup."""
    return _marked(text, spans, "<mark>", "</mark>", html.escape)


# The expert report's own words, in the draft's language (the HTML and Markdown renderers share them)
_REPORT_WORDS = {
    "ru": {"head": ["Статья", "Текст", "Фактор", "Почему", "Рекомендация"],
           "counts": "Пунктов: {clauses}; с факторами: {flagged}; находок уровня документа: {findings}."},
    "ky": {"head": ["Берене", "Текст", "Фактор", "Эмне үчүн", "Сунуш"],
           "counts": "Пункттар: {clauses}; факторлору бар: {flagged}; документ деңгээлиндеги табылгалар: {findings}."},
}


def _report_words(report: dict) -> tuple[list[str], str]:
    """The table's column heads and the counts line of a report, in its language."""
    words = _REPORT_WORDS["ky" if report["language"] == "ky" else "ru"]
    return words["head"], words["counts"].format(clauses=report["clauses"], flagged=report["flagged_clauses"],
                                                 findings=len(report["findings"]))


def _summary_counts(report: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in report["flags"] + report["findings"]:
        counts[r["name"]] = counts.get(r["name"], 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _clause_rows(report: dict) -> list[dict]:
    """One row per clause with all its factors (clause flags, then document-level findings placed on that
    clause), in report order; findings about the whole act last, one row each. An expert reads a clause once,
    not once per factor."""
    rows: dict[str, dict] = {}
    whole_act = []
    for r in report["flags"] + report["findings"]:
        if not r["path"]:
            whole_act.append({"path": "", "text": "", "spans": [], "factors": [r], "document": True})
            continue
        row = rows.setdefault(r["path"], {"path": r["path"], "text": r["text"], "spans": [], "factors": [],
                                          "document": True})
        row["factors"].append(r)
        row["spans"] += r.get("spans") or []
        row["document"] = row["document"] and r["source"] == "document"
    return [*rows.values(), *whole_act]


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def render_html(report: dict) -> str:
    e = html.escape
    ky = report["language"] == "ky"
    head, counts = _report_words(report)
    rows = []
    for row in _clause_rows(report):
        fs = row["factors"]
        factors = "<br>".join(f"{e(r['name'])}<br><small>{e(r['factor'])} · {r['score']:.2f} · {e(r['source'])}</small>"
                              for r in fs)
        why = "".join(f"<p>{e(r['name']) + ': ' if len(fs) > 1 else ''}{e(r['explanation'])}</p>" for r in fs)
        fix = "".join(f"<p>{e(x)}</p>" for x in _unique(r["fix"] for r in fs))
        label = clause_label(row["path"], report["language"]) or "—"
        rows.append(f"<tr{' class=doc' if row['document'] else ''}><td>{e(label)}</td>"
                    f"<td>{_highlight_html(row['text'], row['spans'])}</td>"
                    f"<td>{factors}</td><td>{why}</td><td>{fix}</td></tr>")
    summary = "".join(f"<li>{e(k)}: {v}</li>" for k, v in _summary_counts(report).items())
    title = "Коррупциялык факторлорго экспертиза" if ky else "Антикоррупционная экспертиза: заключение"
    return f"""<!doctype html>
<html lang="{e(report['language'])}"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>body{{font-family:sans-serif;max-width:1200px;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.4em;vertical-align:top}}td p{{margin:0 0 .4em}}mark{{background:#ffe08a}}
tr.doc{{background:#f6f6f6}}</style>
</head><body>
<h1>{e(title)}</h1>
<p><b>{e(report['title'] or report['file'])}</b><br>{e(report['file'])} · sha256 {e(report['sha256'][:16])}</p>
<p>{e(counts)}</p>
<ul>{summary}</ul>
<table><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead><tbody>
{''.join(rows)}
</tbody></table>
<p><small>Taraza analyzer {e(report['analyzer_version'])}, model {e(report['model_version'])}.
{'Автоматтык баалоо; эксперт текшериши керек.' if ky else 'Автоматическая оценка; требует проверки экспертом.'}</small></p>
</body></html>
"""


def render_md(report: dict) -> str:
    def cell(s: str) -> str:
        return (s or "").replace("|", "\\|").replace("\n", " ")

    title = "Коррупциялык факторлорго экспертиза" if report["language"] == "ky" else "Антикоррупционная экспертиза"
    head, counts = _report_words(report)
    lines = [f"# {title}: {cell(report['title'] or report['file'])}", "", counts, ""]
    lines += [f"- {k}: {v}" for k, v in _summary_counts(report).items()]
    lines += ["", "| " + " | ".join(head) + " |", "|---|---|---|---|---|"]
    # several factors of one clause share its row, one per line (GitHub-flavoured Markdown keeps <br> in a cell)
    for row in _clause_rows(report):
        fs = row["factors"]
        text = _marked(row["text"], row["spans"], "**", "**", cell) or "—"
        factors = "<br>".join(f"{cell(r['name'])} ({r['factor']}, {r['score']:.2f})" for r in fs)
        why = "<br>".join((f"{cell(r['name'])}: " if len(fs) > 1 else "") + cell(r["explanation"]) for r in fs)
        fix = "<br>".join(cell(x) for x in _unique(r["fix"] for r in fs))
        label = cell(clause_label(row["path"], report["language"])) or "—"
        lines.append(f"| {label} | {text} | {factors} | {why} | {fix} |")
    return "\n".join(lines) + "\n"


# Our comments in the author's DOCX: a later run recognises them by these and replaces them
COMMENT_AUTHOR, COMMENT_INITIALS = "Taraza", "TZ"


def _drop_own_comments(d) -> None:
    """Remove the comments an earlier ``check --format docx`` put into this document (author and initials
    ours) with their anchors; other people's comments stay."""
    from docx.oxml.ns import qn

    ours = [c for c in d.comments if c.author == COMMENT_AUTHOR and (c.initials or "") == COMMENT_INITIALS]
    ids = {str(c.comment_id) for c in ours}
    for c in ours:
        c._comment_elm.getparent().remove(c._comment_elm)
    marks = [el for el in d.element.body.iter(qn("w:commentRangeStart"), qn("w:commentRangeEnd"),
                                             qn("w:commentReference")) if el.get(qn("w:id")) in ids]
    for el in marks:
        parent = el.getparent()
        if el.tag == qn("w:commentReference") and parent.tag == qn("w:r") and \
                not any(ch.tag not in (qn("w:rPr"), qn("w:commentReference")) for ch in parent):
            parent.getparent().remove(parent)       # the run python-docx added to hold the reference
        else:
            parent.remove(el)


def _docx_blocks(d, numbering=None):
    """(text as read_docx reads it, Word's list numbers included, the runs to anchor a comment on) for every
    body paragraph and every table row, in document order: a flagged table row is a clause like any paragraph."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    from .ingest import docx_blocks, normalize_line

    def runs(el):
        out = []
        for p in el.iter(qn("w:p")):
            par = Paragraph(p, d._body)
            out += [Run(r, par) for r in p.findall(qn("w:r")) if r.find(qn("w:t")) is not None]
        return out

    for el, text in docx_blocks(d.element.body, numbering):
        yield normalize_line(text), runs(el)


def _comment_text(rows: list[dict]) -> str:
    return "\n".join(f"[{r['name']}] {r['explanation']} Рекомендация: {r['fix']}"
                     + (f" («{r['evidence']}»)" if r["evidence"] else "") for r in rows)


def write_docx_comments(src: Path, report: dict, out: Path) -> int:
    """The author's own DOCX with a Word comment on every flagged clause (paragraph or table row) and one
    comment at the start of the document with the document-level findings (and any flag whose paragraph
    could not be found); Taraza's comments from an earlier run are replaced, other comments kept. Returns the
    number of comments added."""
    import zipfile

    import docx

    from .docx_numbering import read_numbering
    from .ingest import normalize_line

    try:
        d = docx.Document(str(src))
    except Exception as exc:
        raise TarazaError(src, f"cannot open as DOCX: {exc}")
    _drop_own_comments(d)
    with zipfile.ZipFile(src) as zf:
        numbering = read_numbering(zf)  # the clause texts carry Word's list numbers: so must the paragraphs
    by_clause: dict[str, list[dict]] = {}
    whole_document: list[dict] = []
    for r in report["flags"] + report["findings"]:
        if r["text"]:
            by_clause.setdefault(normalize_line(r["text"].split("\n")[0])[:200], []).append(r)
        else:
            whole_document.append(r)
    n = 0
    first_runs = None
    for key, runs in _docx_blocks(d, numbering):
        if first_runs is None and runs:
            first_runs = runs
        rs = by_clause.pop(key[:200], None) if key else None
        if not rs or not runs:
            if rs:
                whole_document += rs
            continue
        d.add_comment(runs, text=_comment_text(rs), author=COMMENT_AUTHOR, initials=COMMENT_INITIALS)
        n += 1
    # findings about the act as a whole, and flags whose clause is not a paragraph of its own, go to its start
    whole_document += [r for rs in by_clause.values() for r in rs]
    if whole_document and first_runs:
        text = _comment_text([{**r, "name": f"{clause_label(r['path'], report['language'])}: {r['name']}"
                                    if r["path"] else r["name"]}
                              for r in whole_document])
        d.add_comment(first_runs, text=text, author=COMMENT_AUTHOR, initials=COMMENT_INITIALS)
        n += 1
    d.save(str(out))
    return n


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["html", "md", "json", "docx"]), default="html", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: stdout; "
              "for docx: FILE with .taraza.docx).")
def check(file, fmt, output):
    """Check one draft for corruption factors and write an expert report.

    The report has a summary, then a per-article table: article, clause text with the triggering words
    highlighted, factor (Russian/Kyrgyz name), why, and the recommended fix. Document-level findings (a
    power with no term, no appeal route; a by-law with no delegating law) follow. With --format docx the
    author's own DOCX comes back with a Word comment on every flagged clause (table rows too) and one at its
    start for the act as a whole; Taraza's comments from an earlier run are replaced, other comments kept.

    \b
    Examples:
      taraza check draft.docx -o report.html
      taraza check draft.docx --format docx -o draft-commented.docx
      taraza check corpus/demo/made-up-draft-regulation-grants.ru.txt --format md
    """
    if output and output.resolve() == file.resolve():
        # the author's draft is the one thing the check must never lose
        raise click.UsageError(f"-o {output} is the draft itself: give another file name")
    report = analyze_file(file)
    if fmt == "docx":
        if file.suffix.lower() != ".docx":
            raise TarazaError(file, "--format docx needs a .docx input (comments go into the author's file)")
        out = output or file.with_suffix(".taraza.docx")
        n = write_docx_comments(file, report, out)
        click.echo(f"{n} comments → {out}", err=True)
        return
    text = {"html": render_html, "md": render_md,
            "json": lambda r: json.dumps(r, ensure_ascii=False, indent=1)}[fmt](report)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{len(report['flags'])} flags, {len(report['findings'])} findings → {output}", err=True)
    else:
        click.echo(text)


# ---------------------------------------------------------------------------------------------------------
# analyze: batch into the database


def _analyze_worker(path: str):
    """Read, parse and analyze one file once; the document and its structure go back to be stored."""
    from .ingest import read_document
    from .structure import parse_document

    try:
        doc = read_document(path)
        st = parse_document(doc)
        return path, (doc, st, analyze_document(doc, st, path)), None
    except TarazaError as exc:
        return path, None, exc.reason
    except Exception as exc:          # one bad file must not stop the batch
        return path, None, f"{type(exc).__name__}: {exc}"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--jobs", "-j", default=1, show_default=True, help="Worker processes.")
@click.option("--force", is_flag=True, help="Re-analyze files already analyzed by this analyzer and model version.")
@click.pass_context
def analyze(ctx, paths, jobs, force):
    """Analyze many drafts (files or folders) into the database: flags linked to clauses, plus
    document-level findings. Resumable: a file whose sha256 was already analyzed by the same analyzer and
    model version is skipped. Files that cannot be read are reported and the rest go on; the exit code
    is 1 if any file failed.

    \b
    Example:
      taraza analyze corpus/demo/ --jobs 2
    """
    from .analyze import ANALYZER_VERSION, model_version
    from .cli import open_db_from
    from .ingest import iter_input_files
    from .store import record_error, store_document

    db = open_db_from(ctx)
    _load_factors(db)
    version = f"{ANALYZER_VERSION}/{model_version()}"
    files = [str(p) for p in iter_input_files(paths)]
    todo = []
    skipped = 0
    for f in files:
        # unchanged bytes already analyzed by this version: skip without reading or parsing the file
        try:
            digest = hashlib.sha256(Path(f).read_bytes()).hexdigest()
        except OSError:
            digest = ""
        if not force and digest and db.execute(
                "select 1 from analysis_runs where sha256 = ? and version = ?", [digest, version]).fetchone():
            skipped += 1
            continue
        todo.append(f)
    done, failed = 0, 0
    if jobs > 1 and len(todo) > 1:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(_analyze_worker, todo)
    else:
        pool = None
        results = map(_analyze_worker, todo)
    with click.progressbar(results, length=len(todo), label="analyzing", file=sys.stderr) as bar:
        for path, result, err in bar:
            if err:
                failed += 1
                click.echo(f"\n  failed: {path}: {err}", err=True)
                record_error(db, path, err)
                continue
            doc, st, report = result
            doc_id, _ = store_document(db, doc, st)
            _store_report(db, doc_id, report, version)
            done += 1
    if pool:
        pool.shutdown()
    click.echo(f"{done} analyzed, {skipped} unchanged (skipped), {failed} failed")
    if failed:
        sys.exit(1)         # after every other file was analyzed and stored: a script sees the failures


def _load_factors(db) -> None:
    from .analyze import factor_table

    rows = [{"id": f["id"], "name_ru": f["name_ru"], "name_ky": f["name_ky"], "level": f["level"],
             "parent": f.get("parent", ""), "decree96": f["decree96"], "definition_ru": f["definition_ru"],
             "fix_ru": f["fix_ru"], "fix_ky": f.get("fix_ky", ""), "ordinal": f["order"]}
            for f in factor_table().values()]
    db["factors"].upsert_all(rows, pk="id")


def _store_report(db, doc_id: str, report: dict, version: str) -> None:
    from corpus import dumps
    from .store import now

    flags = []
    for r in report["flags"]:
        flags.append({"id": f"{doc_id}:{r['path']}:{r['factor']}", "clause_id": f"{doc_id}:{r['path']}",
                      "document_id": doc_id, "factor": r["factor"], "score": r["score"], "evidence": r["evidence"],
                      "explanation": r["explanation"], "fix": r["fix"], "source": r["source"],
                      "rules": dumps(r["rules"]), "model_version": version})
    findings = []
    for r in report["findings"]:
        findings.append({"id": f"{doc_id}:{r['path']}:{r['factor']}:doc", "document_id": doc_id,
                         "clause_id": f"{doc_id}:{r['path']}" if r["path"] else None, "factor": r["factor"],
                         "score": r["score"], "evidence": r["evidence"], "explanation": r["explanation"],
                         "fix": r["fix"], "model_version": version})
    with db.conn:
        db.execute("delete from flags where document_id = ?", [doc_id])
        db.execute("delete from document_findings where document_id = ?", [doc_id])
        if flags:
            db["flags"].insert_all(flags, replace=True)
        if findings:
            db["document_findings"].insert_all(findings, replace=True)
        db["analysis_runs"].upsert({"id": f"{report['sha256']}:{version}", "sha256": report["sha256"],
                                    "document_id": doc_id, "version": version, "flags": len(flags),
                                    "findings": len(findings), "at": now()}, pk="id")


# ---------------------------------------------------------------------------------------------------------
# evaluate


def _dev_items(path: Path, lang: str) -> tuple[list[dict], list[list[str]]]:
    items, golds = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        if lang == "ru":
            items.append({"text": r["text_ru"], "heading": r.get("article_heading"), "lead_in": r.get("lead_in_ru"),
                          "lang": "ru"})
        else:
            if not r.get("text_ky"):
                continue
            items.append({"text": r["text_ky"], "heading": r.get("article_heading_ky") or r.get("article_heading"),
                          "lead_in": r.get("lead_in_ky"), "lang": "ky"})
        golds.append(r.get("labels") or [])
    return items, golds


def _fmt(t) -> str:
    p, r, f, tp, fp, fn = t
    return f"P {p:.2f} R {r:.2f} F1 {f:.2f} (tp {tp}, fp {fp}, fn {fn})"


def _print_side_by_side(title: str, res: dict[str, dict]) -> None:
    langs = list(res)
    click.echo(f"\n== {title} ==")
    click.echo(f"{'':30}" + "".join(f"{lang + ' (n=' + str(res[lang]['n']) + ')':<46}" for lang in langs))
    click.echo(f"{'has any factor':30}" + "".join(f"{_fmt(res[lang]['any']):<46}" for lang in langs))
    click.echo(f"{'micro over factor ids':30}" + "".join(f"{_fmt(res[lang]['micro']):<46}" for lang in langs))
    factors = sorted({f for lang in langs for f in res[lang]["per_factor"]})
    for f in factors:
        click.echo(f"  {f:28}" + "".join(
            f"{_fmt(res[lang]['per_factor'][f]) if f in res[lang]['per_factor'] else '-':<46}" for lang in langs))


def _confusion(golds, preds) -> None:
    from .analyze import COLLAPSE

    conf: dict[tuple[str, str], int] = {}
    for g, p in zip(golds, preds):
        g = {COLLAPSE.get(x, x) for x in g} or {"(clean)"}
        p = {COLLAPSE.get(x, x) for x in p} or {"(clean)"}
        for a in g:
            for b in p:
                if a != b and not (a in p):
                    conf[(a, b)] = conf.get((a, b), 0) + 1
    click.echo("  confusion (gold → predicted, errors only):")
    for (a, b), n in sorted(conf.items(), key=lambda kv: -kv[1])[:15]:
        click.echo(f"    {a} → {b}: {n}")


def evaluate_factors(dev: Path, cv: bool) -> dict:
    from models.factors import score_predictions

    from .analyze import classify_items

    results, results_rules = {}, {}
    for lang in ("ru", "ky"):
        items, golds = _dev_items(dev, lang)
        preds = [[f.factor for f in fl] for fl in classify_items(items)]
        rules = [[f.factor for f in fl] for fl in classify_items(items, use_model=False)]
        results[lang] = score_predictions(golds, preds)
        results_rules[lang] = score_predictions(golds, rules)
        if lang == "ru":
            ru_conf = (golds, preds)
    from .analyze import RULES_ONLY_THRESHOLD, _model

    model = _model()
    shipped = ", ".join(f"{lang} {model.describe(lang) if model is not None else f'rules alone at {RULES_ONLY_THRESHOLD}'}"
                        for lang in ("ru", "ky"))
    click.echo(f"development set: {dev}")
    _print_side_by_side(f"dev set, the analyzer as shipped ({shipped}; missing_deadline, duplicate_powers scored "
                        "as broad_discretion)", results)
    _print_side_by_side(f"dev set, rules alone at their default scale {RULES_ONLY_THRESHOLD}", results_rules)
    click.echo("\nRussian:")
    _confusion(*ru_conf)
    if cv:
        from models.factors import print_cross_validation

        print_cross_validation(click.echo)
    return results


# task → function(dev_path or None, cv flag); the matcher registers "matching" here
EVALUATORS = {"factors": lambda dev, cv: evaluate_factors(dev or DEV_SET, cv)}


def _evaluate_matching(dev, cv):
    from .match_cli import evaluate_task_matching

    return evaluate_task_matching(dev)


EVALUATORS["matching"] = _evaluate_matching


@click.command()
@click.option("--task", default="factors", show_default=True, type=click.Choice(sorted(EVALUATORS)),
              help="What to measure: factors (corruption factors found in clauses) or matching (report "
                   "passages linked to plan measures).")
@click.option("--dev", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Development set (default: ../shared/dev-sets/<task>-dev.jsonl).")
@click.option("--no-cv", is_flag=True, help="Skip cross-validation on the training annotations.")
def evaluate(task, dev, no_cv):
    """Measure an analyzer on its development set (measuring only: never train on it).

    For factors: precision, recall and F1 per factor and for "has any factor", Russian and Kyrgyz side by side,
    rules alone and rules + model, a confusion summary, and cross-validation on the training annotations.

    \b
    Examples:
      taraza evaluate
      taraza evaluate --task factors --no-cv
    """
    fn = EVALUATORS.get(task)
    if fn is None:
        raise TarazaError(task, f"no evaluator for this task (known: {', '.join(sorted(EVALUATORS))})")
    fn(dev, not no_cv)
