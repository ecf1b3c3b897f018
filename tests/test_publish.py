"""The public database and the Datasette site built on it (pipeline/publish.py, pipeline/serve.py,
plugins/fts_ru_ky.py, metadata.yml), tested in-process through ``Datasette(...).client``.

Real acts come from ../shared (Constitution in Kyrgyz, Code of administrative procedure and Civil Code
part I in Russian); the draft with a <script> tag and its flags are made up here and say so.
"""
from __future__ import annotations

import asyncio
import json
import re
import sqlite3

import pytest


def _run(coro):
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def site(tmp_path_factory, shared):
    from tests.site_helpers import build_site

    return build_site(tmp_path_factory.mktemp("site"))


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


@pytest.mark.parametrize("text", [
    "Президенти | С.Н. Жапаров ~ 2021",
    "*не* _курсив_ [ссылка](javascript:alert(1)) <script>alert(1)</script> & <b>x</b>",
    "1. # заголовок? + - > цитата \\ `код` {x} !",
])
def test_markdown_escaping_shows_exactly_the_text(text):
    import html

    from datasette_render_markdown import render_markdown

    from plugins.fts_ru_ky import escape_markdown

    rendered = str(render_markdown(escape_markdown(text)))
    assert "<script" not in rendered and "<a " not in rendered and "<em>" not in rendered
    assert html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip() == text


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


def test_flag_rows_carry_the_clause_text(ds, site):
    rows = get(ds, "/taraza/flags.json?_shape=array&factor=missing_deadline").json()
    assert len(rows) == 1
    assert rows[0]["clause_path"] == "ст. 2 ч. 1" and "Решение принимается в разумный срок" in rows[0]["clause_text"]
    described = ds.table_metadata("taraza", "flags")["columns"]
    assert " / " in described["clause_text"] and " / " in described["clause_path"]


@pytest.mark.parametrize("which", ["ds", "monitoring_ds"])
def test_every_canned_query_in_the_site_answers(which, request):
    ds = request.getfixturevalue(which)
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


@pytest.mark.parametrize("which", ["ds", "monitoring_ds"])
def test_every_sort_the_table_pages_offer_answers(which, request):
    """Every «Sort by …» option of a table page works (the primary key is offered even when
    metadata.yml lists sortable columns, and sorting by a column not listed was an HTTP 500)."""
    ds = request.getfixturevalue(which)
    tables = ds.metadata("tables", database="taraza") or {}
    checked = 0
    for table, meta in tables.items():
        if "sortable_columns" not in meta:
            continue
        page = get(ds, f"/taraza/{table}")
        if page.status_code == 404:  # a table this site has not published
            continue
        for column in re.findall(r'<option value="(\w+)"[^>]*>Sort by', page.text):
            for sort in ("_sort", "_sort_desc"):
                r = get(ds, f"/taraza/{table}?{sort}={column}")
                assert r.status_code == 200, (table, sort, column)
                checked += 1
    assert checked > 10


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
    assert "text" not in db["documents"].columns_dict
    assert {r["path"] for r in db.query("select path from documents")} >= {"constitution-2021.ky.docx"}
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

    with pytest.raises(TarazaError, match="no database at"):
        publish(tmp_path / "nope.db", tmp_path / "out" / "taraza.db")
    assert not (tmp_path / "out" / "taraza.db").exists()


def test_a_failed_publish_leaves_the_served_database_alone(tmp_path, site):
    import shutil

    import sqlite_utils

    from pipeline.document import TarazaError
    from pipeline.publish import publish

    out = tmp_path / "public.db"
    shutil.copy(site["path"], out)
    before = out.read_bytes()
    sqlite_utils.Database(tmp_path / "other.db")["notes"].insert({"x": 1})
    with pytest.raises(TarazaError, match="not a Taraza corpus"):
        publish(tmp_path / "other.db", out)
    assert out.read_bytes() == before
    assert not list(tmp_path.glob("*.building"))


def test_prune_keeps_only_queries_that_run(site):
    from pipeline.publish import load_metadata, prune_metadata

    meta, notes = prune_metadata(load_metadata(), site["path"])
    queries = meta["databases"]["taraza"]["queries"]
    assert {"search_clauses", "search_acts", "drafts_most_flags", "clauses_for_factor"} <= set(queries)
    for name in set(load_metadata()["databases"]["taraza"]["queries"]) - set(queries):
        assert any(name in n for n in notes)


# ---------------------------------------------------------------- plans and monitoring


@pytest.fixture(scope="module")
def monitoring_ds(tmp_path_factory, shared):
    from pipeline.serve import make_datasette
    from tests.site_helpers import build_monitoring_site

    # Any file name serves as /taraza/ (the main job writes data/public.db).
    return make_datasette(build_monitoring_site(tmp_path_factory.mktemp("monitoring")))


def test_monitoring_queries_run_on_the_seed_plan(monitoring_ds):
    ds = monitoring_ds
    queries = ds.metadata("queries", database="taraza")
    assert {"measures_past_deadline_no_report", "agency_reported", "search_measures", "search_passages"} <= set(queries)
    overdue = get(ds, "/taraza/measures_past_deadline_no_report.json?_shape=array&section=").json()
    assert overdue and all(r["deadline_end"] <= "2018-06" for r in overdue)
    only_v = get(ds, "/taraza/measures_past_deadline_no_report.json?_shape=array&section=V").json()
    assert only_v and {r["section"] for r in only_v} == {"V"} and len(only_v) < len(overdue)
    by_id = get(ds, "/taraza/agency_reported.json?_shape=array&agency=minjust").json()
    by_name = get(ds, "/taraza/agency_reported.json?_shape=array&agency=юстиции").json()
    assert by_id and by_id == by_name
    assert not get(ds, "/taraza/agency_reported.json?_shape=array&agency=").json()


def test_measure_search_is_stemmed_in_kyrgyz(monitoring_ds):
    rows = search(monitoring_ds, "search_measures", "мыйзамдарына")
    words = matched_words(rows)
    assert words - {"мыйзамдарына"}, words


def test_every_monitoring_page_and_chart_answers(monitoring_ds):
    ds = monitoring_ds
    for table in ("measures", "measure_coverage", "agency_coverage", "passages", "matches", "reports",
                  "agencies", "plans", "measure_agencies"):
        assert get(ds, f"/taraza/{table}").status_code == 200, table
    dash = ds.plugin_config("datasette-dashboards")["monitoring"]
    assert {"measures-by-status", "measures-by-section"} <= set(dash["charts"])
    for chart in dash["charts"]:
        assert get(ds, f"/-/dashboards/monitoring/{chart}").status_code == 200, chart
    facets = get(ds, "/taraza/measures.json?_facet=coverage&_facet=section").json()["facet_results"]
    assert {"coverage", "section"} <= set(facets)


def _public(ds, sql, params=()):
    with sqlite3.connect(ds.databases["taraza"].path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def test_one_page_per_measure_quotes_every_passage_reported_on_it(monitoring_ds):
    ds = monitoring_ds
    measure = _public(ds, "select * from measures where ref = '16'")[0]
    quoted = {r["text"] for r in _public(ds, "select p.text from matches m join passages p on p.id = m.passage_id"
                                             " where m.measure_id = ? and m.rank = 1", [measure["id"]])}
    assert quoted, "the demo reports report on measure 16"
    for ref in ("16", measure["id"]):
        rows = get(ds, f"/taraza/measure_evidence.json?_shape=array&ref={ref}").json()
        assert {r["passage"] for r in rows} == quoted
        for r in rows:
            assert r["measure_text"] == measure["text"] and r["deadline_raw"] == measure["deadline_raw"]
            assert r["agencies_text"] == measure["agencies_text"]
            assert r["report_date"] and r["reported_by"] and r["status"] in ("done", "in_progress", "not_done", "unclear")
            assert "/taraza/reports/" in r["report_markdown"]
    # a measure nobody reported on: the measure alone, no passage
    idle = _public(ds, "select measure_id, ref from measure_coverage where evidence = 0 limit 1")[0]
    rows = get(ds, f"/taraza/measure_evidence.json?_shape=array&ref={idle['ref']}").json()
    assert len(rows) == 1 and rows[0]["passage"] is None and rows[0]["reported_by"] is None
    # the measure's row and its coverage row link to that page
    link = f"/taraza/measure_evidence?ref={measure['id']}"
    assert link in measure["evidence_markdown"] and f"[{len(quoted)} " in measure["evidence_markdown"]
    cov = _public(ds, "select evidence_markdown from measure_coverage where measure_id = ?", [measure["id"]])[0]
    assert link in cov["evidence_markdown"]
    from datasette.utils import tilde_encode

    page = get(ds, f"/taraza/measures/{tilde_encode(measure['id'])}").text
    assert f'href="{link}"' in page.replace("&amp;", "&")  # rendered as a link, not as Markdown text


def test_coverage_csv_has_plain_lists_not_json(monitoring_ds):
    import csv
    import io

    r = get(monitoring_ds, "/taraza/measure_coverage.csv?_size=max")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 106
    for row in rows:
        for col in ("responsible", "reporting", "figures"):
            assert not row[col].startswith("["), (col, row[col])
    r16 = next(row for row in rows if row["ref"] == "16")
    assert r16["responsible"].split(", ")[:2] == ["government-office", "minjust"]
    assert "minjust" in r16["reporting"].split(", ") and "ЮМ" in r16["reporting_text"].split(", ")


def test_coverage_tables_say_what_each_count_means_in_both_languages(monitoring_ds):
    ds = monitoring_ds
    for table in ("agency_coverage", "measure_coverage"):
        described = ds.table_metadata("taraza", table).get("columns") or {}
        cols = [c for c in _public(ds, f"select * from {table} limit 1")[0] if c not in ("plan_id", "agency_id",
                "measure_id", "ref", "ordinal", "text", "deadline_raw", "deadline_end", "past_deadline",
                "latest_report_date", "as_of")]
        for col in cols:
            assert col in described, (table, col)
            ru, _, ky = described[col].partition(" / ")
            assert ru and ky, (table, col)
    assert "сам" in ds.table_metadata("taraza", "agency_coverage")["columns"]["reported"]
    page = get(ds, "/taraza/agency_coverage").text
    assert "Отчитались другие" in page


def test_groups_are_not_listed_as_agencies_that_did_not_report(monitoring_ds):
    ids = {r["agency_id"] for r in _public(monitoring_ds, "select agency_id from agency_coverage")}
    assert "minjust" in ids and "government-office" in ids
    assert not ids & {"state-bodies", "local-self-government", "ngos", "civil-society", "osce",
                      "international-organisations"}
    office = _public(monitoring_ds, "select * from agency_coverage where agency_id = 'government-office'")[0]
    assert office["passages_reported"] == 0 and office["reported"] == 0 and office["reported_by_others"] >= 1


# ---------------------------------------------------------------- the local check page


@pytest.fixture(scope="module")
def local_ds(site):
    from pipeline.serve import make_datasette

    return make_datasette(site["path"], local=True)


def _draft_docx() -> bytes:
    from scrapers.replay import docx_from_text

    return docx_from_text("\n".join((
        "MADE-UP: проект придуман для теста Taraza, не настоящий акт.", "ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ",
        "О выдаче разрешений", "Статья 1. Выдача разрешений",
        "1. Уполномоченный орган вправе отказать в выдаче разрешения по иным основаниям.",
        "2. Решение о выдаче разрешения принимается в разумный срок.")))


def upload(ds, name, data, headers=None):
    headers = {"origin": "http://localhost", **(headers or {})}
    return _run(ds.client.post("/-/check", files={"draft": (name, data, "application/octet-stream")},
                               headers=headers))


def test_check_page_returns_report_and_annotated_docx(local_ds):
    import io
    import zipfile

    r = upload(local_ds, "made-up-draft-permits.ru.docx", _draft_docx())
    assert r.status_code == 200, r.text[-800:]
    assert "вправе" in r.text and 'class="summary"' in r.text
    token = re.search(r"/-/check/([\w-]+)/docx", r.text).group(1)
    annotated = get(local_ds, f"/-/check/{token}/docx")
    assert annotated.status_code == 200 and "attachment" in annotated.headers["content-disposition"]
    assert "word/comments.xml" in zipfile.ZipFile(io.BytesIO(annotated.content)).namelist()
    report = get(local_ds, f"/-/check/{token}/json").json()
    assert {f["factor"] for f in report["flags"]} & {"vprave_competence", "broad_discretion"}
    assert report["file"] == "made-up-draft-permits.ru.docx"


@pytest.mark.parametrize("name, data, status, message", [
    ("made-up-notes.odt", b"some text", 400, "DOCX, PDF или TXT"),
    ("made-up-empty.docx", b"", 400, "made-up-empty.docx"),
    ("made-up-broken.docx", b"PK\x03\x04 not really a zip", 422, "made-up-broken.docx"),
    ("made-up-broken.pdf", b"%PDF-1.4 nothing else", 422, "made-up-broken.pdf"),
    ("made-up-notes.txt", b"some notes in English, not an act", 422, "не на русском"),
])
def test_check_page_explains_bad_files(local_ds, name, data, status, message):
    r = upload(local_ds, name, data)
    assert r.status_code == status
    assert message in r.text and 'class="error"' in r.text and "Traceback" not in r.text


def test_check_page_explains_a_bad_file_in_russian_and_kyrgyz_with_the_technical_reason(local_ds):
    r = upload(local_ds, "made-up-broken.docx", b"not a zip")
    assert r.status_code == 422
    error = re.search(r'class="error"[^>]*>(.*?)</p>', r.text, re.S).group(1)
    assert "«made-up-broken.docx»" in error
    assert "DOCX повреждён" in error and "DOCX файлы бузулган" in error
    assert "not a valid DOCX" in error  # the technical reason stays, for whoever fixes the file


def test_check_page_takes_a_txt_draft_like_taraza_check(local_ds):
    text = ("MADE-UP: проект придуман для теста Taraza.\nЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ\nО выдаче разрешений\n"
            "Статья 1. Выдача разрешений\n"
            "1. Уполномоченный орган вправе отказать в выдаче разрешения по иным основаниям.\n")
    r = upload(local_ds, "made-up-draft-permits.ru.txt", text.encode("utf-8"))
    assert r.status_code == 200, r.text[-800:]
    assert 'class="summary"' in r.text and "/docx" not in r.text  # no annotated copy of a text file
    token = re.search(r"/-/check/([\w-]+)/json", r.text).group(1)
    assert get(local_ds, f"/-/check/{token}/json").json()["flags"]


def test_check_page_keeps_only_the_file_name(local_ds):
    r = upload(local_ds, "C:\\Users\\lawyer\\made-up-broken.docx", b"not a zip")
    assert "«made-up-broken.docx»" in r.text and "lawyer" not in r.text


def test_check_page_refuses_big_files(local_ds, monkeypatch):
    from pipeline import check_page

    monkeypatch.setattr(check_page, "MAX_BYTES", 1000)
    r = upload(local_ds, "made-up-big.docx", b"x" * 200_000)
    assert r.status_code == 413 and "МБ" in r.text


def test_public_site_never_has_the_check_page_even_once_registered(local_ds, site):
    from pipeline.serve import make_datasette

    public = make_datasette(site["path"])
    assert get(public, "/-/check").status_code == 404
    assert upload(public, "made-up-draft.docx", _draft_docx()).status_code in (403, 404, 405)


def test_check_page_refuses_other_sites_and_hosts(local_ds):
    assert upload(local_ds, "d.docx", _draft_docx(), {"origin": "http://evil.example"}).status_code == 403
    r = _run(local_ds.client.get("/-/check", headers={"host": "taraza.example.org"}))
    assert r.status_code == 403


def test_serve_refuses_local_mode_on_a_public_interface(site):
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, ["serve", str(site["path"]), "--local", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "127.0.0.1" in result.output


def test_client_errors_render_the_error_page_without_a_console_traceback(ds, capsys):
    # a mistyped table: Datasette's own 404 page, and nothing dumped on the server console
    r = get(ds, "/taraza/no_such_table")
    assert r.status_code == 404 and "Table not found" in r.text
    assert get(ds, "/taraza/no_such_table.json").json()["status"] == 404
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and "NotFound" not in out.out + out.err


def test_server_errors_keep_their_console_traceback(ds, capsys):
    from datasette import handle_exception as default

    try:
        raise RuntimeError("made-up server failure")
    except RuntimeError:
        default.rich.get_console().print_exception(show_locals=False)
    out = capsys.readouterr()
    assert "made-up server failure" in out.out + out.err


# ---------------------------------------------------------------- acts, editions and titles

MADE_UP_ACT = (  # made up for this test: an act in its current edition, with a header
    "ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ\nО вымышленном лицензировании (made-up)\n"
    "Статья 1. Лицензии\n1. Лицензии выдаются уполномоченным органом.\n2. Лицензия действует бессрочно.\n"
)
MADE_UP_2018 = (  # its 2018 edition as the PDFs of the source come: no header, the articles only
    "Статья 1. Лицензии\n1. Лицензии выдаются уполномоченным органом.\n2. Лицензия действует пять лет.\n"
)
MADE_UP_HEADLESS = "Статья 1. Дороги\n1. Лицензии на перевозки выдаются органом транспорта.\n"


@pytest.fixture(scope="module")
def editions_ds(tmp_path_factory):
    from corpus import open_db
    from pipeline.ingest import read_bytes
    from pipeline.publish import publish
    from pipeline.serve import make_datasette
    from pipeline.store import store_document

    tmp = tmp_path_factory.mktemp("editions")
    db = open_db(tmp / "corpus.db")
    for name, text in (("made-up-law-licences.ru.txt", MADE_UP_ACT), ("made-up-law-licences.ru.2018.txt", MADE_UP_2018),
                       ("made-up-law-roads.ru.txt", MADE_UP_HEADLESS)):
        store_document(db, read_bytes(text.encode(), name, made_up=True))
    db.conn.close()
    publish(tmp / "corpus.db", tmp / "site" / "taraza.db")
    return make_datasette(tmp / "site" / "taraza.db")


def test_every_act_has_a_readable_title_and_its_edition(editions_ds):
    docs = {d["path"]: d for d in get(editions_ds, "/taraza/documents.json?_shape=array").json()}
    current, dated = docs["made-up-law-licences.ru.txt"], docs["made-up-law-licences.ru.2018.txt"]
    assert "лицензировании" in current["title"]
    assert dated["title"] == current["title"]  # no header of its own: the title of its other edition
    assert current["work_key"] == dated["work_key"] == "made-up-law-licences"
    assert (current["edition"], dated["edition"]) == ("TXT", "TXT 2018")
    assert docs["made-up-law-roads.ru.txt"]["title"] == "made-up-law-roads.ru.txt"  # the file name, not a hash


def test_search_shows_a_clause_once_and_names_its_editions(editions_ds):
    rows = search(editions_ds, "search_clauses", "лицензии")
    paths = [(r["act_markdown"].split("](")[0], r["clause_markdown"].split("](")[0]) for r in rows]
    assert len(paths) == len(set(paths)), paths
    first = next(r for r in rows if r["clause_markdown"].startswith("[ст\\. 1 ч\\. 1]") and "лицензировании" in r["act_markdown"])
    assert sorted(first["editions"].split(", ")) == ["TXT", "TXT 2018"]
    assert all(r["editions"] for r in rows)


def test_the_main_job_ingests_whole_acts_not_parser_fragments(tmp_path):
    from pipeline.build import build_steps

    steps = build_steps(tmp_path, "public.db")
    ingested = " ".join(" ".join(s) for s in steps if s[0] == "ingest")
    assert "cbd-minjust-docx" in ingested and "cbd-minjust-pdf" in ingested
    assert "cbd-minjust-api-edition-html" not in ingested


# ---------------------------------------------------------------- what a fresh user sees on the dashboard


def _chart_rows(ds, chart: dict) -> list[dict]:
    sql = re.sub(r"\[\[.*?\]\]", "", chart["query"], flags=re.S)
    db_path = ds.databases["taraza"].path
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql)]


def test_monitoring_charts_name_states_in_words_and_colour_them_alike(monitoring_ds):
    charts = monitoring_ds.plugin_config("datasette-dashboards")["monitoring"]["charts"]
    codes = {"done", "in_progress", "not_done", "unclear", "reported", "overdue_no_report", "no_report"}
    colours = []
    for name in ("measures-by-status", "measures-by-section"):
        rows = _chart_rows(monitoring_ds, charts[name])
        states = {r["status"] for r in rows}
        assert states and not states & codes, states
        scale = charts[name]["display"]["encoding"]["color"]["scale"]
        assert states <= set(scale["domain"]) and len(scale["domain"]) == len(scale["range"])
        colours.append(dict(zip(scale["domain"], scale["range"])))
    assert colours[0] == colours[1]  # the pie and the bars give one state one colour


def test_flag_charts_have_something_to_show_for_drafts(ds):
    """Flags are on drafts, which have no year or issuing body: no empty chart and no single «unknown» bar."""
    charts = ds.plugin_config("datasette-dashboards")["monitoring"]["charts"]
    for name, chart in charts.items():
        if chart.get("library") != "vega-lite" or "flags" not in chart["query"]:
            continue
        rows = _chart_rows(ds, chart)
        assert rows, name
        labels = [v for r in rows for k, v in r.items() if k != "flags"]
        assert not any("не указан" in str(v) for v in labels), (name, labels)
    by_type = {r["act_type"]: r["flags"] for r in _chart_rows(ds, charts["flags-per-type"])}
    assert by_type == {"закон": 3}
    assert ds.plugin_config("datasette-dashboards")["monitoring"]["title"] != "Мониторинг / Мониторинг"


def test_made_up_drafts_are_not_credited_to_the_ministry(ds, site):
    """The row page of a made-up draft's clause shows the table's source: it must not claim the Ministry's
    database is where the draft comes from."""
    from datasette.utils import tilde_encode

    for table in ("documents", "articles", "clauses"):
        source = ds.metadata("source", database="taraza", table=table)
        assert "made_up" in source, (table, source)
    page = get(ds, f"/taraza/clauses/{tilde_encode(site['clauses']['ст. 1 ч. 1'])}").text
    assert "придуманы Taraza" in page


# ---------------------------------------------------------------- search pages for people (fresh-user 19)


def test_search_pages_head_columns_in_words_and_keep_cell_classes(ds):
    html = get(ds, "/taraza/search_clauses?q=экспертиза").text
    assert ">Пункт</th>" in html and ">Фрагмент / Үзүндү</th>" in html
    assert ">clause_markdown</th>" not in html and ">snippet_markdown</th>" not in html
    assert ">Что искать / Эмнени издөө</label>" in html and 'name="lang"' in html
    # cells keep the class named after the column (links, styles and the browser tests select it)
    assert '<td class="col-clause_markdown">' in html
    # the JSON keeps the column names scripts rely on
    assert "clause_markdown" in search(ds, "search_clauses", "экспертиза")[0]


def test_search_language_parameter_keeps_one_language_or_both(ds):
    both = search(ds, "search_clauses", "кыргыз*")
    assert {r["language"] for r in both} == {"ru", "ky"}, "the corpus has the word in both languages"
    only_ru = get(ds, "/taraza/search_clauses.json?_shape=array&q=кыргыз*&lang=ru").json()
    only_ky = get(ds, "/taraza/search_clauses.json?_shape=array&q=кыргыз*&lang=KY").json()
    assert only_ru and {r["language"] for r in only_ru} == {"ru"}
    assert only_ky and {r["language"] for r in only_ky} == {"ky"}
    acts = get(ds, "/taraza/search_acts.json?_shape=array&q=экспертизу&lang=ru").json()
    assert acts and {r["language"] for r in acts} == {"ru"}


@pytest.mark.parametrize("word, not_prefix", [
    ("жаран", "жара"),              # Kyrgyz «citizen»: no Russian stem, which found «жарамсыз»
    ("жарандардын", "жарандардын"),  # Kyrgyz case form: its Kyrgyz stem only
    ("мыйзамдарга", "мыйзамдарг"),   # Snowball's cut of a Kyrgyz word
])
def test_kyrgyz_words_get_no_russian_stem(word, not_prefix):
    from plugins.fts_ru_ky import word_terms

    assert not_prefix not in word_terms(word)[1]


def test_russian_and_kyrgyz_words_keep_their_own_stems():
    from plugins.fts_ru_ky import word_terms

    assert "выда" in word_terms("выдать", "ru")[1]           # a Russian verb: Snowball stem
    assert "лицензиями" in word_terms("лицензии", "ru")[0]   # a Russian noun: its case forms
    assert "экспертиза" in word_terms("экспертизанын", "ky")[1]  # Kyrgyz case ending stripped
    assert "жаран" in word_terms("жарандардын")[1]
    assert "адам" in word_terms("адамы", "ky")[1]            # a Kyrgyz possessive that Russian also knows
    assert "адам" in word_terms("адамы")[1]                  # either language: both readings


def test_each_language_is_searched_by_its_own_morphology():
    """«органы» in Russian text finds the forms of «орган», not «организации» (a stem as a prefix did, fresh
    user 19); in Kyrgyz text the Kyrgyz stem still finds «органдары»; «*» asks for a prefix."""
    import sqlite3

    from plugins.fts_ru_ky import prepare_connection

    conn = sqlite3.connect(":memory:")
    prepare_connection(conn)
    conn.execute("create virtual table t using fts5(text, lang unindexed, tokenize='unicode61')")
    rows = [("ru", "Органы опеки рассматривают заявление."), ("ru", "Общественные организации вправе участвовать."),
            ("ru", "Заявление подается в орган опеки."), ("ky", "Мамлекеттик органдары арызды карайт."),
            ("ru", "Порядок лицензирования устанавливается законом.")]
    conn.executemany("insert into t (lang, text) values (?, ?)", rows)

    def found(q, lang):
        return sorted(r[0] for r in conn.execute(
            "select text from t where t match fts_query(?, ?) and lang = ?", (q, lang, lang)))

    assert found("органы", "ru") == ["Заявление подается в орган опеки.", "Органы опеки рассматривают заявление."]
    assert found("органы", "ky") == ["Мамлекеттик органдары арызды карайт."]
    assert found("лицензии", "ru") == []
    assert found("лиценз*", "ru") == ["Порядок лицензирования устанавливается законом."]
    snippet = conn.execute("select fts_snippet(?, 'органы', 'ru')", (rows[1][1] + " " + rows[2][1],)).fetchone()[0]
    assert "**организации**" not in snippet and "**орган**" in snippet



def _made_up_index(rows):
    """An FTS5 table of made-up (language, text) rows with the search's table of index words, as publish
    writes it, on a connection with the search functions."""
    from plugins.fts_ru_ky import prepare_connection, write_search_terms

    conn = sqlite3.connect(":memory:")
    prepare_connection(conn)
    conn.execute("create virtual table t using fts5(text, lang unindexed, tokenize='unicode61')")
    conn.executemany("insert into t (lang, text) values (?, ?)", rows)
    write_search_terms(conn)

    def found(q, lang):
        return sorted(r[0] for r in conn.execute(
            "select text from t where t match fts_query(?, ?) and lang = ?", (q, lang, lang)))

    return conn, found


def test_a_kyrgyz_word_finds_its_forms_not_other_words_that_begin_alike():
    """Fresh user 9: «пара» (bribe) found «параграф», «параметр»; «мыйзам» found «мыйзамсыз», «мыйзамдуу»;
    «жаран» found «жарандык». A word now finds the index words with its stem (made-up sentences)."""
    rows = [("ky", "Пара алуу кылмыш болуп саналат."), ("ky", "Параны берген адам жооп берет."),
            ("ky", "Ушул параграфтын талаптары колдонулат."), ("ky", "Параметрлеринин тизмеси бекитилет."),
            ("ky", "Мыйзамдын талаптары сакталат."), ("ky", "Мыйзамга ылайык чечим кабыл алынат."),
            ("ky", "Мыйзамсыз чечим жокко чыгарылат."), ("ky", "Мыйзамдуу талап аткарылат."),
            ("ky", "Жарандардын укуктары корголот."), ("ky", "Жарандык жөнүндө мыйзам.")]
    conn, found = _made_up_index(rows)
    assert found("пара", "ky") == ["Пара алуу кылмыш болуп саналат.", "Параны берген адам жооп берет."]
    assert found("мыйзам", "ky") == ["Жарандык жөнүндө мыйзам.", "Мыйзамга ылайык чечим кабыл алынат.",
                                     "Мыйзамдын талаптары сакталат."]
    assert found("мыйзамдарына", "ky") == found("мыйзам", "ky")  # any form of the word finds the others
    assert found("жаран", "ky") == ["Жарандардын укуктары корголот."]
    assert len(found("мыйзам*", "ky")) == 5  # a prefix as typed still finds the derivations
    # a table whose language the query cannot see: the same Kyrgyz forms
    assert sorted(r[0] for r in conn.execute("select text from t where t match fts_query('мыйзам')")) == found(
        "мыйзам", "ky")
    snippet = conn.execute("select fts_snippet(?, 'мыйзам', 'ky')",
                           ("Мыйзамсыз чечим мыйзамдын негизинде жокко чыгарылат.",)).fetchone()[0]
    assert "**мыйзамдын**" in snippet and "**Мыйзамсыз**" not in snippet


def test_a_kyrgyz_word_finds_its_attributive_and_personal_forms():
    """«органдагы», «мыйзамдарындагы» (attributive «-дагы») and «укуктарың», «милдеттеримди» (a reader's own
    rights and duties) are forms of «орган», «мыйзам», «укук», «милдет»: exact stem equality lost them until
    rules/ky_suffixes.yml had those slots; «дагы» (also) alone stays a word of its own (made-up sentences)."""
    rows = [("ky", "Органдагы кызматкерлер жооп беришет."), ("ky", "Органдын чечими жокко чыгарылат."),
            ("ky", "Мыйзамдарындагы талаптар сакталат."), ("ky", "Сиздин укуктарың корголот."),
            ("ky", "Мен милдеттеримди аткарам."), ("ky", "Милдеттин мөөнөтү бүттү."), ("ky", "Дагы бир арыз берилди.")]
    _, found = _made_up_index(rows)
    assert found("орган", "ky") == ["Органдагы кызматкерлер жооп беришет.", "Органдын чечими жокко чыгарылат."]
    assert found("мыйзам", "ky") == ["Мыйзамдарындагы талаптар сакталат."]
    assert found("укук", "ky") == ["Сиздин укуктарың корголот."]
    assert found("милдет", "ky") == ["Мен милдеттеримди аткарам.", "Милдеттин мөөнөтү бүттү."]
    assert found("дагы", "ky") == ["Дагы бир арыз берилди."]


def test_a_quoted_phrase_finds_its_words_together_in_any_case_form():
    """Fresh user 10: «"конфликт интересов"» found 0 clauses while «"конфликта интересов"» found 1. A phrase
    is its words next to each other, each in any of its forms (made-up sentences)."""
    rows = [("ru", "Лицо обязано уведомить о возникновении конфликта интересов."),
            ("ru", "Урегулирование конфликтом интересов не считается."),
            ("ru", "Конфликт сторон не затрагивает интересов третьих лиц."),
            ("ru", "Должностного лица решение обжалуется."), ("ru", "Решение должностным лицом принято."),
            ("ru", "Лицо, должностное положение которого высоко."),
            ("ky", "Кызмат адамдарынын аракеттери боюнча арыз."), ("ky", "Кызмат адамы милдеттүү."),
            ("ky", "Адамы кызмат орунда.")]
    conn, found = _made_up_index(rows)
    assert found('"конфликт интересов"', "ru") == found('"конфликта интересов"', "ru") == [
        "Лицо обязано уведомить о возникновении конфликта интересов.",
        "Урегулирование конфликтом интересов не считается."]  # not the row where the words are apart
    assert found('«должностное лицо»', "ru") == ["Должностного лица решение обжалуется.",
                                                 "Решение должностным лицом принято."]
    assert found('"кызмат адамы"', "ky") == ["Кызмат адамдарынын аракеттери боюнча арыз.", "Кызмат адамы милдеттүү."]
    snippet = conn.execute("select fts_snippet(?, '\"конфликт интересов\"', 'ru')", (rows[0][1],)).fetchone()[0]
    assert "**конфликта** **интересов**" in snippet


def test_a_long_phrase_is_searched_pair_by_pair_instead_of_every_combination():
    from plugins.fts_ru_ky import MAX_PAIR_PHRASES, MAX_PHRASES, phrase_group

    def many_forms(word, lang):
        return tuple(f"{word}{i}" for i in range(30)), ()

    assert 30 ** 3 > MAX_PHRASES
    expr = phrase_group(["а", "б", "в"], "ru", many_forms)
    assert expr.count(" AND ") == 1 and '"а0 б0"' in expr and '"б29 в29"' in expr and '"а0 б0 в0"' not in expr
    two_forms = phrase_group(["а", "б"], "ru", lambda w, lang: ((w, w + "x"), ()))
    assert two_forms == '("а б" OR "а бx" OR "аx б" OR "аx бx")'

    def fifty_forms(word, lang):
        return tuple(f"{word}{i}" for i in range(50)), ()

    assert 50 * 50 > MAX_PAIR_PHRASES  # too many to list: both words, anywhere in the row
    assert phrase_group(["а", "б"], "ru", fifty_forms).count(" AND ") == 1


def test_the_table_of_index_words_is_rewritten_not_appended():
    from plugins.fts_ru_ky import TERMS_TABLE, write_search_terms

    conn, _ = _made_up_index([("ky", "Мыйзамдын талаптары."), ("ru", "Органы опеки.")])
    assert write_search_terms(conn) == 4
    assert conn.execute(f"select count(*) from {TERMS_TABLE}").fetchone()[0] == 4
    assert conn.execute(f"select ky_stem from {TERMS_TABLE} where term = 'мыйзамдын'").fetchone()[0] == "мыйзам"


@pytest.mark.parametrize("typed, lang", [("ru", "ru"), ("RU ", "ru"), ("рус", "ru"), ("ky", "ky"), ("KG", "ky"),
                                         ("кыр", "ky"), ("", ""), (None, ""), ("xx", "")])
def test_search_language_reads_what_people_type(typed, lang):
    from plugins.fts_ru_ky import search_lang

    assert search_lang(typed) == lang


def test_built_site_searches_kyrgyz_words_by_their_forms_and_phrases_in_any_form(ds):
    """The user's examples on the built site (the Kyrgyz Constitution has «мыйзамсыз», «мыйзамдуу»,
    «жарандык» and «параграф»; the Russian codes have «должностное лицо» in a few clauses and its other
    case forms in many more)."""
    from urllib.parse import quote

    from rules.ky_stem import ky_stem

    def words(q, lang):
        return matched_words(get(ds, f"/taraza/search_clauses.json?_shape=array&q={quote(q)}&lang={lang}").json())

    for word in ("мыйзам", "жаран"):
        found = words(word, "ky")
        assert found and {ky_stem(w) for w in found} == {word}, found
    assert {"мыйзамсыз", "мыйзамдуу"} & words("мыйзам*", "ky")
    assert not words("пара", "ky")
    exact = get(ds, "/taraza/search_clauses.json?_shape=array&q=" + quote('"должностное лицо"') + "&lang=ru").json()
    assert exact and {"должностного", "лица"} <= matched_words(exact)
    assert search(ds, "search_clauses", quote('"должностного лица"')) == exact
    unknown = get(ds, "/taraza/search_clauses.json?_shape=array&q=мыйзам&lang=xx").json()
    assert unknown and {r["language"] for r in unknown} == {"ky"}  # read as both languages, not as none

def test_agency_reported_accepts_the_abbreviation_monitor_prints(monitoring_ds):
    by_id = get(monitoring_ds, "/taraza/agency_reported.json?_shape=array&agency=minjust").json()
    by_abbr = get(monitoring_ds, "/taraza/agency_reported.json?_shape=array&agency=ЮМ").json()
    by_ky_name = get(monitoring_ds, "/taraza/agency_reported.json?_shape=array&agency=Юстиция").json()
    assert by_id and by_abbr == by_id and by_ky_name == by_id
    assert not get(monitoring_ds, "/taraza/agency_reported.json?_shape=array&agency=ЖЖЖ").json()


def test_measure_search_says_which_language_the_plan_is_in(monitoring_ds):
    html = get(monitoring_ds, "/taraza/search_measures?q=закупок").text
    assert "только на кыргызском" in html


def test_own_sql_keeps_its_column_names(ds):
    from urllib.parse import quote

    html = get(ds, "/taraza?sql=" + quote("select language from clauses limit 1")).text
    assert ">language</th>" in html and "Язык / Тил" not in html


@pytest.mark.parametrize("reason, words", [
    ("DOCX is password-protected or an old binary .doc (OLE container), not a Word 2007+ file",
     "старый формат .doc"),
    ("PDF has no text layer (1 of 1 pages are images: a scan?); run OCR first", "нет текстового слоя"),
    ("broken PDF: PdfminerException: no xref", "PDF повреждён"),
    ("text is in neither Russian nor Kyrgyz (too few Cyrillic letters)", "не на русском"),
    ("no clauses found (is this a legal act?)", "ни статей, ни пунктов"),
    ("something nobody foresaw", "не удалось прочитать"),
])
def test_input_errors_read_in_russian_and_kyrgyz(reason, words):
    from pipeline.check_page import input_error_words

    shown = input_error_words(reason)
    assert words in shown and " / " in shown and shown.endswith(f"({reason})")
