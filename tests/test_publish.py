"""The public database and the Datasette site built on it (pipeline/publish.py, pipeline/serve.py,
plugins/fts_ru_ky.py, metadata.yml), tested in-process through ``Datasette(...).client``.

Real acts come from ../shared (Constitution in Kyrgyz, Code of administrative procedure and Civil Code
part I in Russian); the draft with a <script> tag and its flags are made up here and say so.
"""
from __future__ import annotations

import asyncio
import re
import json
import sqlite3

import pytest

from tests.conftest import DOCX

MADE_UP_DRAFT = (
    "МАДЕ-АП ПРОЕКТ: придуман для тестов Taraza, не настоящий акт.\n"
    "ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ\n"
    "О выдаче разрешений на торговлю\n"
    "Статья 1. Выдача разрешений\n"
    "1. Уполномоченный орган вправе отказать в выдаче разрешения по иным основаниям.\n"
    "2. Заявитель представляет <script>alert('x')</script> документы, перечень которых определяет орган.\n"
    "Статья 2. Сроки\n"
    "1. Решение принимается в разумный срок.\n"
)


def _run(coro):
    return asyncio.run(coro)


def _ensure_flags_table(db):
    """The analyzer's flags table (corpus/schema/30-flags.yml) if it is there, else the same core columns."""
    if "flags" not in db.table_names():
        db["flags"].create({"id": str, "clause_id": str, "factor": str, "score": float, "evidence": str,
                            "explanation": str, "fix": str}, pk="id",
                           foreign_keys=[("clause_id", "clauses", "id")])
    return set(db["flags"].columns_dict)


@pytest.fixture(scope="module")
def site(tmp_path_factory, shared):
    """A corpus with three real acts and a made-up flagged draft, published once for the module."""
    from corpus import open_db
    from pipeline.ingest import read_bytes, read_document
    from pipeline.publish import publish
    from pipeline.store import store_document

    tmp = tmp_path_factory.mktemp("site")
    db = open_db(tmp / "corpus.db")
    for name in ("constitution-2021.ky.docx", "admin-procedure-code-2017-13.ru.docx",
                 "civil-code-part1-1996-15.ru.docx"):
        store_document(db, read_document(DOCX / name))
    draft = read_bytes(MADE_UP_DRAFT.encode(), "made-up-draft-permits.ru.txt", kind="draft", made_up=True)
    draft_id, _ = store_document(db, draft)
    clauses = {r["path"]: r["id"] for r in db.query("select id, path from clauses where document_id = ?",
                                                    [draft_id])}
    cols = _ensure_flags_table(db)
    made_up_flags = [
        {"clause_id": clauses["ст. 1 ч. 1"], "factor": "vprave_competence", "score": 0.91,
         "evidence": "вправе", "explanation": "Орган «вправе» решать сам; <b>нет</b> критериев."},
        {"clause_id": clauses["ст. 1 ч. 1"], "factor": "broad_discretion", "score": 0.72,
         "evidence": "по иным основаниям", "explanation": "Открытый перечень оснований отказа."},
        {"clause_id": clauses["ст. 2 ч. 1"], "factor": "missing_deadline", "score": 0.88,
         "evidence": "в разумный срок", "explanation": "Срок не определён."},
    ]
    for i, flag in enumerate(made_up_flags):
        row = {k: v for k, v in {"id": f"made-up-{i}", **flag}.items() if k in cols}
        db["flags"].insert(row, alter=False)
    out = tmp / "site" / "taraza.db"
    report = publish(tmp / "corpus.db", out)
    return {"path": out, "report": report, "draft_id": draft_id, "clauses": clauses}


@pytest.fixture(scope="module")
def ds(site):
    from pipeline.serve import make_datasette

    return make_datasette(site["path"])


def get(ds, path):
    return _run(ds.client.get(path))


def search(ds, query, q):
    r = get(ds, f"/taraza/{query}.json?_shape=array&q={q}")
    assert r.status_code == 200, r.text[:500]
    return r.json()


def matched_words(rows, column="snippet_markdown"):
    return {w.lower() for r in rows for w in re.findall(r"\*\*(.+?)\*\*", r[column])}


# ---------------------------------------------------------------- search


def test_fts_query_quotes_every_term_and_never_breaks_fts5():
    from plugins.fts_ru_ky import fts_query

    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(x, tokenize='unicode61')")
    conn.execute("insert into t values ('распоряжение № 12-р от 1 марта'), ('Ёлка и ель')")
    for q in ['12-р', '"', 'a"b', '(', 'NOT', 'OR AND', '*', 'ст.', "12-р'", '«органы»', '', '   ', '^x', 'a:b']:
        conn.execute("select * from t where t match ?", [fts_query(q)]).fetchall()
    assert conn.execute("select count(*) from t where t match ?", [fts_query("12-р")]).fetchone()[0] == 1
    # «ё» typed by a user finds text that ingest normalised to «е»
    assert conn.execute("select count(*) from t where t match ?", [fts_query("ЁЛКА")]).fetchone()[0] == 0
    conn.execute("insert into t values ('елка')")
    assert conn.execute("select count(*) from t where t match ?", [fts_query("ёлка")]).fetchone()[0] == 1


def test_kyrgyz_search_finds_other_case_forms(ds):
    words = matched_words(search(ds, "search_clauses", "республикасынын"))
    assert "республикасынын" in words
    assert words & {"республикасы", "республикасында", "республикасына"}, words


def test_russian_search_finds_other_forms_of_licence(ds):
    words = matched_words(search(ds, "search_clauses", "лицензии"))
    assert "лицензии" in words and words - {"лицензии"}, words


def test_russian_search_finds_other_forms_of_expertise(ds):
    words = matched_words(search(ds, "search_clauses", "экспертиза"))
    assert "экспертиза" in words
    assert words & {"экспертизы", "экспертизу", "экспертиз"}, words


def test_search_ranks_and_links_rows(ds):
    rows = search(ds, "search_clauses", "экспертиза")
    assert rows and all(r["clause_markdown"].startswith("[") for r in rows)
    # the first result links to a clause page that exists
    link = re.search(r"\]\((/taraza/clauses/[^)]+)\)", rows[0]["clause_markdown"]).group(1)
    assert get(ds, link).status_code == 200


@pytest.mark.parametrize("q", ["12-р", '"', "a\"b OR", "(", "ст.", "«органы власти»", ""])
def test_punctuation_never_causes_an_error(ds, q):
    from urllib.parse import quote

    assert get(ds, f"/taraza/search_clauses?q={quote(q)}").status_code == 200
    assert get(ds, f"/taraza/search_acts?q={quote(q)}").status_code == 200


def test_search_acts_finds_acts_by_inflected_words(ds, site):
    rows = search(ds, "search_acts", "экспертизу")
    assert any("административн" in r["act_markdown"].lower() for r in rows), rows[:3]


def test_table_page_search_box_is_auto_detected(ds):
    r = get(ds, "/taraza/clauses.json?_search=экспертизы&_shape=array")
    assert r.status_code == 200 and r.json()
    assert get(ds, "/-/search?q=экспертизы").status_code == 200


# ---------------------------------------------------------------- flags on clause pages, escaping


def test_flagged_clause_page_shows_its_flags(ds, site):
    from datasette.utils import tilde_encode

    clause = site["clauses"]["ст. 1 ч. 1"]
    r = get(ds, f"/taraza/clauses/{tilde_encode(clause)}")
    assert r.status_code == 200
    page = r.text
    assert "vprave_competence" in page or "вправе" in page
    # the typology's Russian name is shown, and the row links to its flags
    assert "широта дискреционных полномочий" in page
    assert "flags?clause_id=" in page
    row = get(ds, f"/taraza/clauses/{tilde_encode(clause)}.json?_shape=array").json()[0]
    assert row["n_flags"] == 2 and sorted(json.loads(row["factors"])) == ["broad_discretion", "vprave_competence"]


def test_script_in_a_clause_never_renders_as_markup(ds, site):
    from datasette.utils import tilde_encode

    clause = site["clauses"]["ст. 1 ч. 2"]
    pages = [
        get(ds, f"/taraza/clauses/{tilde_encode(clause)}").text,
        get(ds, "/taraza/clauses?_search=документы").text,
        get(ds, "/taraza/search_clauses?q=документы+заявитель").text,
        get(ds, f"/taraza/documents/{site['draft_id']}").text,
    ]
    assert "alert" in pages[2], "the made-up clause must be among the search results"
    for page in pages:
        assert "<script>alert" not in page
    # the explanation's <b> from a made-up flag is text, not bold markup
    flagged = get(ds, f"/taraza/clauses/{tilde_encode(site['clauses']['ст. 1 ч. 1'])}").text
    assert "<b>нет</b>" not in flagged


# ---------------------------------------------------------------- canned queries, dashboard, robots


def test_canned_queries_run(ds):
    assert search(ds, "drafts_most_flags", "")[0]["n_flags"] == 3
    rows = get(ds, "/taraza/clauses_for_factor.json?_shape=array&factor=missing_deadline").json()
    assert len(rows) == 1 and "разумный" in rows[0]["evidence"]


def test_every_canned_query_in_the_site_answers(ds):
    queries = ds.metadata("queries", database="taraza") or {}
    assert "search_clauses" in queries
    for name, q in queries.items():
        params = "&".join(f"{p}=закон" for p in (q.get("params") or []))
        r = get(ds, f"/taraza/{name}.json?{params}")
        assert r.status_code == 200, (name, r.text[:300])


def test_dashboard_renders_its_charts(ds):
    r = get(ds, "/-/dashboards/monitoring")
    assert r.status_code == 200
    assert "flags-per-factor" in r.text
    chart = get(ds, "/-/dashboards/monitoring/flags-per-factor")
    assert chart.status_code == 200


def test_robots_allow_only_the_home_page(ds):
    text = get(ds, "/robots.txt").text
    assert "Disallow: /taraza" in text and "Disallow: /-/" in text
    assert "Disallow: /\n" not in text + "\n"


def test_public_site_has_no_check_page(ds):
    assert get(ds, "/-/check").status_code == 404


# ---------------------------------------------------------------- the public database itself


def test_public_db_shape(site):
    import sqlite_utils

    db = sqlite_utils.Database(site["path"])
    assert {"documents", "articles", "clauses", "act_links", "factors", "flags"} <= set(db.table_names())
    assert "text" not in db["documents"].columns_dict and "path" not in db["documents"].columns_dict
    assert not any(t.startswith(("scrape_", "raw_", "http_")) for t in db.table_names())
    assert db["clauses"].detect_fts() == "clauses_fts"
    fks = {(fk.column, fk.other_table) for fk in db["flags"].foreign_keys}
    assert {("clause_id", "clauses"), ("factor", "factors")} <= fks
    indexed = {tuple(i.columns) for i in db["clauses"].indexes}
    for facet in ("language", "act_type", "issuing_body", "year", "document_id"):
        assert (facet,) in indexed, facet
    assert db["factors"].count >= 12


def test_publish_refuses_a_missing_corpus(tmp_path):
    from pipeline.document import TarazaError
    from pipeline.publish import publish

    with pytest.raises(TarazaError, match="not found"):
        publish(tmp_path / "nope.db", tmp_path / "out" / "taraza.db")
    assert not (tmp_path / "out" / "taraza.db").exists()


def test_prune_keeps_only_queries_that_run(site):
    from pipeline.publish import load_metadata, prune_metadata

    meta, notes = prune_metadata(load_metadata(), site["path"])
    queries = meta["databases"]["taraza"]["queries"]
    assert {"search_clauses", "search_acts", "drafts_most_flags", "clauses_for_factor"} <= set(queries)
    for name in set(load_metadata()["databases"]["taraza"]["queries"]) - set(queries):
        assert any(name in n for n in notes)
