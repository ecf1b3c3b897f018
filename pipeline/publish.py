"""Build the public database that Datasette serves from the corpus database.

The public database is a read-only copy shaped for browsing: the public tables (:data:`PUBLIC_TABLES`)
of the corpus are copied with the columns they have (so columns later stages add appear without code
changes), in the order of ``corpus/schema/*.yml``, minus
the bulky or private columns listed in :data:`DROP`, plus the derived columns in :data:`EXTRA`
(year, facet columns denormalised from the act onto its clauses, flag counts and a Markdown summary of
a clause's flags, labels so Datasette links rows by name). Foreign keys from the corpus schema are kept
when both ends are published; every foreign-key column and every facet or sortable column named in
``metadata.yml`` gets an index; full-text tables are created with sqlite-utils ``enable_fts``
(``unicode61``) so Datasette and datasette-search-all detect them, and the indexes' words with their
Kyrgyz stems go into ``search_terms``, which the search resolves typed words against. Derived columns
and views that need a table another stage has not written yet are left out, so publishing works at every
stage of the project.

The database is built in a temporary file beside the target and renamed into place at the end: a
served copy is never half-written.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
import sqlite_utils
import yaml

from corpus import load_schema
from plugins.fts_ru_ky import TERMS_TABLE, escape_markdown, prepare_connection, write_search_terms
from .document import TarazaError

ROOT = Path(__file__).resolve().parents[1]
METADATA = ROOT / "metadata.yml"
DEFAULT_OUT = Path("data") / "public.db"
# The Datasette database name (file stem) the metadata, canned queries and dashboards are written for.
DB_NAME = "taraza"

# Corpus tables that are published, in the names the stages' schema fragments use. Anything else
# (scraper state, HTTP cache, ingest errors naming paths on someone's machine) stays private. A schema
# fragment can also say `publish: true` or `publish: false` on a table to override this list.
PUBLIC_TABLES = {
    "documents", "articles", "clauses", "act_links",                              # 10-documents.yml
    "agencies", "plans", "plan_sections", "plan_tasks", "plan_abbreviations",      # 20-plans.yml
    "measures", "measure_agencies",
    "factors", "flags", "document_findings",                                       # 30-flags.yml
    "reports", "passages", "matches", "figures", "measure_coverage", "agency_coverage",  # 40-monitoring.yml
}
# Columns not published: the full normalised text of whole documents (clauses carry the text in
# searchable pieces) and raw payloads other stages keep for re-processing.
DROP = {
    "documents": {"text"},
    "measures": {"deadline"},  # JSON copy of the deadline_* columns
    "*": {"raw", "raw_html", "raw_text", "payload", "features", "vector", "embedding"},
}
# Column values rewritten on the way out, in every table that has the column: local file paths become
# file names (the path on the machine that built the corpus says nothing and may say too much).
REWRITE = {"path": "file_name(t.path)"}
# Column values rewritten in one table only (``doc_info``: the readable title and edition of each document,
# see :func:`_document_info`). A made-up report whose header happens to name a law is not a law.
TABLE_REWRITE = {
    "documents": {
        "title": "(select di.title from temp.doc_info di where di.id = t.id)",
        "act_type": "case when t.kind = 'report' then null else t.act_type end",
    },
    # Plain lists, not JSON arrays: the CSV export goes to spreadsheets (names are in the *_text columns).
    "measure_coverage": {
        "responsible": "(select group_concat(j.value, ', ') from json_each(t.responsible) j)",
        "reporting": "(select group_concat(j.value, ', ') from json_each(t.reporting) j)",
        "figures": "(select group_concat(j.value, '; ') from json_each(t.figures) j)",
    },
}
# Full-text columns that differ from the corpus schema's `fts:` declaration.
FTS_OVERRIDE = {"documents": ["title", "act_number", "issuing_body"]}


@dataclass
class Extra:
    """A derived column: SQL over the corpus table (alias ``t``, corpus schema ``c``)."""

    type: type
    sql: str
    requires: list[str] = field(default_factory=list)  # "table" or "table.column" in the corpus
    # SQL used while a required table is missing, so the public columns (and the canned queries that
    # read them) are the same at every stage; None leaves the column out.
    default: str | None = None


# Flag summaries: one Markdown line per flag, best score first, the factor's name when the typology is
# there. Text from documents goes through md_escape so it renders as text, never as markup.
_FLAG_LINE = (
    "'- **' || md_escape(coalesce({name}, f.factor)) || '** (' || printf('%.2f', f.score) || ')'"
    " || coalesce(': ' || md_escape(f.explanation), '')"
)

_LABEL_TEXT = "coalesce(nullif(substr(t.text, 1, 70), ''), t.id)"
# Link to the canned query measure_evidence (metadata.yml) of one measure, with its number of passages.
_EVIDENCE_LINK = ("'[' || (select count(*) from c.matches mt where mt.measure_id = {id} and mt.rank = 1)"
                  " || ' фрагм. отчётов / үзүндү](/taraza/measure_evidence?ref=' || {id} || ')'")

EXTRA: dict[str, dict[str, Extra]] = {
    "measures": {
        "label": Extra(str, "t.ref || ' — ' || substr(t.text, 1, 70)"),
        # Monitoring's verdict on the measure, where `taraza monitor` has run.
        "coverage": Extra(str, "(select mc.flag from c.measure_coverage mc where mc.measure_id = t.id)",
                          ["measure_coverage.flag"], "null"),
        "latest_status": Extra(str, "(select mc.latest_status from c.measure_coverage mc"
                                    " where mc.measure_id = t.id)", ["measure_coverage.latest_status"], "null"),
        "n_agencies": Extra(int, "(select count(*) from c.measure_agencies ma where ma.measure_id = t.id)",
                            ["measure_agencies.measure_id"], "0"),
        "evidence_markdown": Extra(str, _EVIDENCE_LINK.format(id="t.id"), ["matches.measure_id"], "null"),
    },
    "passages": {"label": Extra(str, _LABEL_TEXT)},
    # The clause a flag is on, in the row: an expert filtering flags by factor reads it without a click.
    "flags": {
        "clause_path": Extra(str, "(select c.path from c.clauses c where c.id = t.clause_id)"),
        "clause_text": Extra(str, "(select c.text from c.clauses c where c.id = t.clause_id)"),
    },
    # From a coverage row to the one page an NGO writes from: the measure and every passage reported on it.
    "measure_coverage": {"evidence_markdown": Extra(str, _EVIDENCE_LINK.format(id="t.measure_id"))},
    "documents": {
        "work_key": Extra(str, "(select di.work_key from temp.doc_info di where di.id = t.id)"),
        "edition": Extra(str, "(select di.edition from temp.doc_info di where di.id = t.id)"),
        "year": Extra(int, "cast(nullif(substr(t.act_date, 1, 4), '') as integer)"),
        "n_flags": Extra(int, "(select count(*) from c.flags f where f.document_id = t.id)",
                         ["flags.document_id"], "0"),
    },
    "clauses": {
        # Facets of the act, copied onto each clause so clause pages facet and filter without joins.
        "language": Extra(str, "(select d.language from c.documents d where d.id = t.document_id)"),
        "kind_of_document": Extra(str, "(select d.kind from c.documents d where d.id = t.document_id)"),
        "act_type": Extra(str, "(select d.act_type from c.documents d where d.id = t.document_id)"),
        "issuing_body": Extra(str, "(select d.issuing_body from c.documents d where d.id = t.document_id)"),
        "year": Extra(int, "(select cast(nullif(substr(d.act_date, 1, 4), '') as integer)"
                           " from c.documents d where d.id = t.document_id)"),
        "is_current": Extra(int, "(select d.is_current from c.documents d where d.id = t.document_id)"),
        # The act in all its editions (DOCX, a dated PDF, TXT) and the edition this clause comes from.
        "work_key": Extra(str, "(select di.work_key from temp.doc_info di where di.id = t.document_id)"),
        "edition": Extra(str, "(select di.edition from temp.doc_info di where di.id = t.document_id)"),
        # Label for links from flags and matches: «ст. 12 ч. 3 — Закон ...».
        "label": Extra(str, "t.path || ' — ' || coalesce((select substr(di.title, 1, 50) from temp.doc_info di"
                            " where di.id = t.document_id), '')"),
        "n_flags": Extra(int, "(select count(*) from c.flags f where f.clause_id = t.id)",
                         ["flags.clause_id"], "0"),
        "max_score": Extra(float, "(select max(f.score) from c.flags f where f.clause_id = t.id)",
                           ["flags.clause_id", "flags.score"], "null"),
        "factors": Extra(str, "(select json_group_array(distinct f.factor) from c.flags f"
                              " where f.clause_id = t.id)", ["flags.clause_id", "flags.factor"], "'[]'"),
        "flags_markdown": Extra(
            str,
            "(select group_concat(line, char(10)) from (select "
            + _FLAG_LINE.format(name="(select case when d.language = 'ky' then x.name_ky else x.name_ru end"
                                     " from factors x, c.documents d where x.id = f.factor and d.id = t.document_id)")
            + " as line from c.flags f where f.clause_id = t.id order by f.score desc))",
            ["flags.clause_id", "flags.factor", "flags.score", "flags.explanation", "factors.name_ru",
             "factors.name_ky"],
            "null",
        ),
    },
}
# Row order of a published table. Current versions of acts come first in `clauses`, so a search that
# ranks only the first matches of a very common word (metadata.yml, search_clauses) ranks current law.
ORDER = {"clauses": "(select d.is_current from c.documents d where d.id = t.document_id) desc, t.rowid"}
# Links the stages' schemas do not declare (the typology may come from rules/ rather than the corpus).
EXTRA_FKS = {
    "flags": [["factor", "factors", "id"]],
    "document_findings": [["clause_id", "clauses", "id"]],
    "measures": [["plan_id", "plans", "id"]],
    "reports": [["id", "documents", "id"], ["plan_id", "plans", "id"]],
    "matches": [["measure_id", "measures", "id"], ["plan_id", "plans", "id"]],
    "figures": [["report_id", "reports", "id"]],
    "measure_coverage": [["measure_id", "measures", "id"], ["plan_id", "plans", "id"]],
    "agency_coverage": [["agency_id", "agencies", "id"], ["plan_id", "plans", "id"]],
}


def file_name(path):
    return os.path.basename(path) if path else path


def md_escape(text):
    """Text → one line of Markdown showing exactly that text (the search plugin's escaping)."""
    return None if text is None else escape_markdown(" ".join(str(text).split()))


def _corpus_columns(conn: sqlite3.Connection) -> dict[str, dict[str, str]]:
    """Tables of the attached corpus and their declared column types."""
    tables = [r[0] for r in conn.execute("select name from c.sqlite_master where type = 'table'")]
    out = {}
    for t in tables:
        out[t] = {r[1]: (r[2] or "") for r in conn.execute(f'pragma c.table_info("{t}")')}
    return out


def _primary_key(conn, table: str):
    cols = [r[1] for r in sorted(conn.execute(f'pragma c.table_info("{table}")'), key=lambda r: r[5]) if r[5]]
    return cols[0] if len(cols) == 1 else (cols or None)


def _foreign_keys(conn, table: str) -> list[list[str]]:
    return [[r[3], r[2], r[4] or "id"] for r in conn.execute(f'pragma c.foreign_key_list("{table}")')]


def _has(requirement: str, corpus: dict[str, dict[str, str]]) -> bool:
    table, _, column = requirement.partition(".")
    return table in corpus and (not column or column in corpus[table])


_SQL_TYPES = {"INTEGER": int, "INT": int, "REAL": float, "FLOAT": float, "TEXT": str, "": str}


def _facet_columns(metadata: dict) -> dict[str, set[str]]:
    """Columns metadata.yml facets or sorts on, per table: each gets an index."""
    out: dict[str, set[str]] = {}
    tables = ((metadata.get("databases") or {}).get(DB_NAME) or {}).get("tables") or {}
    for table, meta in tables.items():
        cols = out.setdefault(table, set())
        for facet in meta.get("facets") or []:
            cols.update(facet.values() if isinstance(facet, dict) else [facet])
        cols.update(meta.get("sortable_columns") or [])
        for key in ("sort", "sort_desc"):
            if meta.get(key):
                cols.add(meta[key])
    return out


def load_metadata(path: Path = METADATA) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def publish(corpus_path: str | Path, out_path: str | Path = DEFAULT_OUT, *, progress=None) -> dict:
    """Build the public database at ``out_path`` from the corpus database; returns counts and timings."""
    say = progress or (lambda msg: None)
    corpus_path, out_path = Path(corpus_path), Path(out_path)
    if not corpus_path.is_file():
        from .cli import NO_DB

        raise TarazaError(corpus_path.resolve(), NO_DB)
    started = time.perf_counter()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".building")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    conn.create_function("file_name", 1, file_name, deterministic=True)
    conn.create_function("md_escape", 1, md_escape, deterministic=True)
    try:
        conn.execute("attach database ? as c", (f"file:{corpus_path.resolve()}?mode=ro",))
    except sqlite3.OperationalError:
        conn.execute("attach database ? as c", (str(corpus_path.resolve()),))
    try:
        if "documents" not in {r[0] for r in conn.execute("select name from c.sqlite_master")}:
            raise TarazaError(corpus_path, "not a Taraza corpus database (no documents table)")
        db = sqlite_utils.Database(conn)
        counts = _copy_tables(conn, db, say)
        _create_views(conn, db, say)
        # The search resolves a typed word to the indexes' own words that are its forms (plugins/fts_ru_ky.py).
        say(f"{TERMS_TABLE}: {write_search_terms(conn)} words of the full-text indexes")
        conn.commit()
        conn.execute("detach database c")
        conn.execute("analyze")
        conn.commit()
        conn.execute("vacuum")
        conn.close()
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out_path)
    return {
        "path": str(out_path),
        "tables": counts,
        "seconds": round(time.perf_counter() - started, 2),
        "bytes": out_path.stat().st_size,
    }


def _factors_from_rules(db: sqlite_utils.Database) -> int:
    """The factor typology from rules/factors.yml, when the corpus has no factors table of its own."""
    from rules import load_yaml

    rows = []
    for f in load_yaml("factors.yml")["factors"]:
        row = {("ordinal" if k == "order" else k):
               (v if isinstance(v, (str, int, float)) or v is None else json.dumps(v, ensure_ascii=False))
               for k, v in f.items()}
        rows.append(row)
    db["factors"].insert_all(rows, pk="id", alter=True)
    return len(rows)


def _copy_tables(conn, db: sqlite_utils.Database, say) -> dict[str, int]:
    schema = load_schema()
    corpus = _corpus_columns(conn)
    counts: dict[str, int] = {}
    if "factors" not in corpus or not conn.execute("select count(*) from c.factors").fetchone()[0]:
        # `taraza analyze` loads the typology; before it has run, the site still explains every factor id.
        counts["factors"] = _factors_from_rules(db)
        # Derived columns may use the typology wherever it comes from.
        corpus["factors"] = {c: "" for c in db["factors"].columns_dict}
    facets = _facet_columns(load_metadata()) if METADATA.is_file() else {}
    _document_info(conn)
    # Schema order first (referenced tables before the tables that point at them), then public tables a
    # stage created without a schema fragment.
    names = [*schema["tables"], *sorted(set(corpus) - set(schema["tables"]))]
    for name in names:
        spec = schema["tables"].get(name, {})
        if name not in corpus or name in counts or not spec.get("publish", name in PUBLIC_TABLES):
            continue
        drop = DROP.get(name, set()) | DROP["*"]
        columns = {c: _SQL_TYPES.get(t.upper(), str) for c, t in corpus[name].items() if c not in drop}
        extras = {}
        for col, extra in EXTRA.get(name, {}).items():
            if not all(_has(r, corpus) for r in extra.requires):
                if extra.default is None:
                    continue
                extra = Extra(extra.type, extra.default)
            if col not in columns:
                extras[col] = extra
        pk = spec.get("pk") or _primary_key(conn, name)
        published = set(db.table_names())
        declared = [*(spec.get("foreign_keys") or []), *_foreign_keys(conn, name), *EXTRA_FKS.get(name, [])]
        fks = [(fk[0], fk[1], fk[2] if len(fk) > 2 else "id") for fk in declared
               if fk[0] in columns and (fk[1] in published or fk[1] == name)]
        fks = list(dict.fromkeys(fks))
        db[name].create({**columns, **{c: e.type for c, e in extras.items()}}, pk=pk, foreign_keys=fks or None)
        rewrite = {**REWRITE, **TABLE_REWRITE.get(name, {})}
        select = [rewrite.get(c, f't."{c}"') for c in columns] + [e.sql for e in extras.values()]
        target = ", ".join(f'"{c}"' for c in [*columns, *extras])
        order = f" order by {ORDER[name]}" if name in ORDER else ""
        conn.execute(f'insert into main."{name}" ({target}) select {", ".join(select)} from c."{name}" t{order}')
        counts[name] = db[name].count
        say(f"{name}: {counts[name]} row{'' if counts[name] == 1 else 's'}")
        table = db[name]
        index_cols = {fk[0] for fk in fks} | {c for c in facets.get(name, ()) if c in table.columns_dict}
        for cols in spec.get("indexes") or []:
            if all(c in table.columns_dict for c in cols):
                table.create_index(cols, if_not_exists=True)
        for col in sorted(index_cols):
            table.create_index([col], if_not_exists=True)
        fts = [c for c in FTS_OVERRIDE.get(name, spec.get("fts") or []) if c in table.columns_dict]
        if fts:
            table.enable_fts(fts, tokenize="unicode61", create_triggers=False)
            db[f"{name}_fts"].optimize()
    return counts


_EDITION_YEAR = re.compile(r"[._-]((?:19|20)\d\d)$")


def work_key(act_key: str | None) -> str:
    """The act a document is an edition of: its act key without a trailing edition year
    (``civil-code-part1-1996-15.2018`` — the 2018 PDF — is an edition of ``civil-code-part1-1996-15``)."""
    return _EDITION_YEAR.sub("", act_key or "")


def edition_label(fmt: str | None, act_key: str | None, version: int | None) -> str:
    """How a search hit names its edition: «DOCX», «PDF 2018», «TXT v2»."""
    m = _EDITION_YEAR.search(act_key or "")
    label = " ".join(x for x in ((fmt or "").upper(), m.group(1) if m else "") if x)
    return f"{label} v{version}" if version and version > 1 else label


def _document_info(conn) -> None:
    """temp.doc_info: per corpus document, its act (work key), edition label and a readable title — its own
    from the header; else the title of another edition of the same act in the same language (the 2018
    PDFs have no header); else its file name, never the bare hash."""
    rows = conn.execute("select id, act_key, language, format, version, is_current, coalesce(title, ''), path"
                        " from c.documents").fetchall()
    titled: dict[tuple[str, str], tuple[int, str]] = {}
    for _id, key, lang, _fmt, _v, current, title, _path in rows:
        if title.strip():
            best = titled.get((work_key(key), lang))
            if best is None or current > best[0]:
                titled[(work_key(key), lang)] = (current, title.strip())
    conn.execute("create temp table doc_info (id text primary key, work_key text, edition text, title text)")
    conn.executemany("insert into temp.doc_info values (?, ?, ?, ?)", [
        (_id, work_key(key), edition_label(fmt, key, version),
         title.strip() or titled.get((work_key(key), lang), (0, ""))[1] or file_name(path) or _id)
        for _id, key, lang, fmt, version, _c, title, path in rows])


def _create_views(conn, db: sqlite_utils.Database, say) -> None:
    """Views of the corpus schema over published tables (views of private or missing tables are left out)."""
    views = load_schema()["views"]
    for name, sql in views.items():
        used = set(re.findall(r"\b(?:from|join)\s+(\w+)", sql, flags=re.I))
        if not used <= set(db.table_names()) | set(views):
            continue
        try:
            db.create_view(name, sql.strip(), replace=True)
            conn.execute(f'select * from "{name}" limit 0')
        except sqlite3.Error as exc:
            db.execute(f'drop view if exists "{name}"')
            say(f"view {name} skipped: {exc}")


def prune_metadata(metadata: dict, db_path: str | Path) -> tuple[dict, list[str]]:
    """Drop canned queries and dashboard charts that cannot run on this database yet.

    Each one is compiled (EXPLAIN) against the database with the search functions registered; those
    that name a table or column another stage has not produced are removed, with a note per removal,
    so the site shows what exists instead of error pages.
    """
    import copy

    metadata = copy.deepcopy(metadata)
    notes: list[str] = []
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    prepare_connection(conn)

    def runs(sql: str) -> str | None:
        sql = re.sub(r"\[\[(.*?)\]\]", "", sql, flags=re.S)  # dashboard filter blocks
        params = {p: None for p in re.findall(r"(?<!:):(\w+)", sql)}
        try:
            conn.execute("explain " + sql, params)
            return None
        except sqlite3.Error as exc:
            return str(exc)

    try:
        db_meta = (metadata.get("databases") or {}).get(DB_NAME) or {}
        for name, q in list((db_meta.get("queries") or {}).items()):
            error = runs(q["sql"] if isinstance(q, dict) else q)
            if error:
                del db_meta["queries"][name]
                notes.append(f"query {name} left out: {error}")
        dashboards = (metadata.get("plugins") or {}).get("datasette-dashboards") or {}
        for dash_name, dash in list(dashboards.items()):
            charts = dash.get("charts") or {}
            for chart_name, chart in list(charts.items()):
                if chart.get("query") and (error := runs(chart["query"])):
                    del charts[chart_name]
                    notes.append(f"dashboard {dash_name}: chart {chart_name} left out: {error}")
            if "layout" in dash:
                # Rows of the grid must stay equally long: removed charts become empty cells.
                dash["layout"] = [[c if c in charts or c == "." else "." for c in row] for row in dash["layout"]]
                dash["layout"] = [row for row in dash["layout"] if any(c != "." for c in row)]
            if not charts:
                del dashboards[dash_name]
        for filt_dash in dashboards.values():
            for fname, filt in list((filt_dash.get("filters") or {}).items()):
                if filt.get("query") and runs(filt["query"]):
                    del filt_dash["filters"][fname]
    finally:
        conn.close()
    return metadata, notes


@click.command("publish")
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Public database to write (same as OUT; default {DEFAULT_OUT}).")
@click.pass_context
def publish_command(ctx, out, output):
    """Build the public, read-only database for Datasette from the corpus database.

    Copies acts and their editions, articles, clauses, RU/KY links and whatever later stages have
    written (factor flags and typology, plans, measures, agencies, report passages, matches, coverage),
    leaving out full document texts and local paths; adds labels, foreign keys, facet indexes and
    full-text indexes (unicode61), and writes OUT-stem.metadata.yml beside it with the canned queries and
    dashboard charts that run on this database, for serving it with plain `datasette` (the file must then
    be called taraza.db; `taraza serve` serves any file name as /taraza/).

    \b
    Example:
      taraza --db data/taraza.db publish -o data/public.db
      taraza serve data/public.db
    """
    out = output or out or DEFAULT_OUT
    report = publish(ctx.obj["db_path"], out, progress=lambda m: click.echo(f"  {m}", err=True))
    if METADATA.is_file():
        pruned, notes = prune_metadata(load_metadata(), out)
        for note in notes:
            click.echo(f"  {note}", err=True)
        meta_out = out.with_name(f"{out.stem}.metadata.yml")
        meta_out.write_text(yaml.safe_dump(pruned, allow_unicode=True, sort_keys=False), encoding="utf-8")
    total = sum(report["tables"].values())
    click.echo(f"published {out}: {len(report['tables'])} tables, {total} rows, "
               f"{report['bytes'] / 1e6:.1f} MB in {report['seconds']} s")
