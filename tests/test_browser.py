"""The served site in a real browser: Playwright driving Debian's headless Chromium against `taraza serve --local`.

`python3 dev.py test` installs what it needs: the `chromium` Debian package and the `playwright` Python package
(the test extra; it drives the system Chromium, Playwright downloads nothing). Screenshots go to
tests/screenshots/ (git-ignored) for review.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _require_browser():
    # `python3 dev.py test` installs Debian's chromium and the playwright package (test extra) before pytest runs
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: run the tests with `python3 dev.py test`, which installs it")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, shared):
    from tests.site_helpers import build_site

    _require_browser()
    tmp = tmp_path_factory.mktemp("browser")
    site = build_site(tmp)
    port = _free_port()
    taraza = Path(sys.executable).with_name("taraza")
    proc = subprocess.Popen([str(taraza), "serve", str(site["path"]), "--local", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("taraza serve exited: " + proc.stdout.read())
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("taraza serve did not answer within 20 s")
    yield {"base": base, **site, "tmp": tmp}
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        # A <script> from a document that ran would show itself as an alert() dialog.
        pg.dialogs = []
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        yield pg
        browser.close()


def _search(page, base, q):
    page.goto(base + "/taraza/search_clauses")
    page.fill("input[name=q]", q)
    page.locator("input[name=q]").press("Enter")
    page.wait_for_selector("td.col-snippet_markdown strong")
    return {s.lower() for s in page.locator("td.col-snippet_markdown strong").all_inner_texts()}


def test_home_page(page, server):
    page.goto(server["base"] + "/")
    assert "Taraza" in page.title() or "Taraza" in page.content()
    page.screenshot(path=str(SHOTS / "01-home.png"), full_page=True)


def test_russian_search_needs_stemming(page, server):
    words = _search(page, server["base"], "экспертизу")
    # the typed form and others: «экспертиза», «экспертизы» are found through the stem
    assert words - {"экспертизу"}, words
    assert {"экспертиза", "экспертизы"} & words
    page.screenshot(path=str(SHOTS / "02-search-ru.png"))


def test_kyrgyz_search_needs_stemming(page, server):
    words = _search(page, server["base"], "республикасынын")
    assert {"республикасы", "республикасында", "республикасына"} & words, words
    page.screenshot(path=str(SHOTS / "03-search-ky.png"))


def test_open_a_flagged_clause(page, server):
    page.goto(server["base"] + "/taraza/clauses_for_factor?factor=vprave_competence")
    link = page.locator("td.col-clause_markdown a").first
    link.click()
    page.wait_for_load_state()
    assert "/taraza/clauses/" in page.url
    body = page.content()
    assert "вправе" in body
    assert "широта дискреционных полномочий" in body  # the second flag, by its typology name
    assert "<script>alert" not in body
    page.screenshot(path=str(SHOTS / "04-flagged-clause.png"), full_page=True)


def test_script_in_a_clause_never_runs(page, server):
    from datasette.utils import tilde_encode

    page.goto(server["base"] + "/taraza/clauses/" + tilde_encode(server["clauses"]["ст. 1 ч. 2"]))
    assert "<script>alert('x')</script>" in page.locator("blockquote").inner_text()
    _search(page, server["base"], "заявитель документы")
    assert "alert" in page.locator("td.col-snippet_markdown").first.inner_text()
    page.goto(server["base"] + "/taraza/clauses?_search=документы")
    page.wait_for_load_state("networkidle")
    assert page.dialogs == []


def test_dashboard(page, server):
    page.goto(server["base"] + "/-/dashboards/monitoring")
    # vega-embed draws each chart into an svg or canvas once its query has answered
    page.wait_for_selector("#card-flags-per-factor canvas, #card-flags-per-factor svg", timeout=30_000)
    assert page.locator("text=Флаги по факторам").count() >= 1
    # the metric card shows the made-up draft's three flags once its query has answered
    page.wait_for_function("document.querySelector('#chart-total-flags').innerText.trim() === '3'")
    page.screenshot(path=str(SHOTS / "05-dashboard.png"), full_page=True)


def _made_up_draft_docx(path: Path) -> Path:
    from scrapers.replay import docx_from_text

    path.write_bytes(docx_from_text("\n".join((
        "MADE-UP: проект придуман для теста Taraza, не настоящий акт.",
        "ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ",
        "О порядке выдачи разрешений на уличную торговлю",
        "Статья 1. Выдача разрешений",
        "1. Уполномоченный орган вправе отказать в выдаче разрешения по иным основаниям.",
        "2. Решение о выдаче разрешения принимается в разумный срок.",
        "Статья 2. Документы",
        "1. Заявитель представляет иные документы по требованию уполномоченного органа."))))
    return path


def test_local_check_page(page, server):
    import docx

    draft = _made_up_draft_docx(server["tmp"] / "made-up-draft-street-trade.ru.docx")
    page.goto(server["base"] + "/-/check")
    page.set_input_files("input[name=draft]", str(draft))
    page.click("input[type=submit]")
    page.wait_for_selector(".summary")
    page.wait_for_selector("iframe")
    report = page.frame_locator("iframe").locator("body")
    assert "вправе" in report.inner_text()
    page.screenshot(path=str(SHOTS / "06-check-report.png"), full_page=True)
    with page.expect_download() as info:
        page.click("text=Скачать DOCX")
    saved = server["tmp"] / "annotated.docx"
    info.value.save_as(saved)
    annotated = docx.Document(saved)
    assert any("вправе" in p.text for p in annotated.paragraphs)


def test_check_page_rejects_a_bad_file(page, server):
    bad = server["tmp"] / "made-up-not-a-draft.docx"
    bad.write_bytes(b"this is not a zip file")
    page.goto(server["base"] + "/-/check")
    page.set_input_files("input[name=draft]", str(bad))
    page.click("input[type=submit]")
    error = page.wait_for_selector(".error")
    assert "made-up-not-a-draft.docx" in error.inner_text()
    page.screenshot(path=str(SHOTS / "07-check-error.png"), full_page=True)
