"""The shared HTTP base: retries, faults, quota, rate limit, conditional requests, raw store, robots."""
from __future__ import annotations

import json

import pytest

from scrapers.base import (FetchError, Http, Politeness, RateLimiter, RawStore, parse_date, retry_after_seconds)
from scrapers.replay import QUOTA_TEXT, ReplayServer
from scrapers_support import FAST, GOVKG, MINJUST, fast_db

db = fast_db   # the scraper tests' corpus DB fixture


@pytest.mark.parametrize("text, iso", [
    ("2026-09-14T00:00:00", "2026-09-14"),
    ("0001-01-01T00:00:00", ""),             # the API's "unknown"
    ("14.11.2025 № 257", "2025-11-14"),
    ("20/06/2005", "2005-06-20"),
    ("21,06,2018", "2018-06-21"),
    ("02 .12.2024", "2024-12-02"),
    ("15-09-2026", "2026-09-15"),
    ("31.02.2020", ""),                       # no such day
    ("редакция без даты", ""),
    (None, ""),
])
def test_parse_date_messy_edition_labels(text, iso):
    assert parse_date(text) == iso


def test_retry_after_header_forms():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_rate_limiter_keeps_to_20_requests_per_5_seconds():
    clock = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        clock[0] += s

    lim = RateLimiter(Politeness(min_interval=0, max_requests=20, per_seconds=5.0), clock=lambda: clock[0], sleep=sleep)
    stamps = []
    for _ in range(45):
        lim.wait()
        stamps.append(clock[0])
        clock[0] += 0.01
    # no 5-second window ever holds more than 20 requests
    for i, t in enumerate(stamps):
        assert sum(1 for u in stamps[i:] if u - t < 5.0) <= 20
    assert stamps[-1] >= 10.0  # 45 requests need at least two full waits


def test_rate_limiter_min_interval():
    clock = [0.0]
    lim = RateLimiter(Politeness(min_interval=1.0), clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s))
    for _ in range(3):
        lim.wait()
    assert clock[0] == pytest.approx(2.0)


@pytest.fixture
def server():
    with ReplayServer(GOVKG, MINJUST, slow_seconds=1.0, retry_after="0") as srv:
        yield srv


@pytest.fixture
def http(db, tmp_path):
    return Http(source="test", politeness=FAST, raw=RawStore(tmp_path / "raw", db))


LIST = "/ru/npa/c/provisions?page=1"


@pytest.mark.parametrize("faults", [["500"], ["503", "503"], ["429"], ["timeout"], ["truncate"], ["500", "timeout", "429"]])
def test_transient_faults_are_retried(server, http, faults):
    server.fault(LIST, faults)
    got = http.get(server.url + LIST, expect="html")
    assert "4835" in got.text()
    assert http.stats.retries == len(faults)
    assert [r.get("fault") for r in server.requests(LIST)] == faults + [None]


def test_persistent_5xx_gives_up_with_the_url_in_the_error(server, http):
    server.fault(LIST, "500", repeat=True)
    with pytest.raises(FetchError) as exc:
        http.get(server.url + LIST)
    assert exc.value.path.endswith(LIST) and "HTTP 500" in exc.value.reason and "4 attempts" in exc.value.reason


def test_redirect_loop_is_reported_not_retried(server, http):
    server.fault(LIST, "redirect-loop")
    with pytest.raises(FetchError, match="redirect loop"):
        http.get(server.url + LIST)
    assert len(server.requests(LIST)) == 1


def test_over_quota_page_is_waited_out_and_never_stored(server, http, db):
    path = "/api/v1/GetDocument?DocumentCode=3-45"
    server.fault(path, ["quota", "quota", "quota"])
    got = http.get(server.url + path, expect="json")
    assert got.data["nameRus"].startswith("Кодекс КР от 23 января 2025")
    assert http.stats.quota_waits == 3 and http.stats.retries == 0  # quota waits do not use up retries
    bodies = [http.raw.get(r["sha256"]) for r in db["raw_snapshots"].rows]
    assert QUOTA_TEXT not in bodies and all(b"quota" not in b for b in bodies)


def test_truncated_json_with_honest_length_is_refetched(server, http):
    path = "/api/v1/GetDocument?DocumentCode=3-38"
    server.fault(path, "truncate-body")
    assert http.get(server.url + path, expect="json").data["documentCode"] == "112309"
    assert http.stats.retries == 1


def test_json_is_read_as_utf8_whatever_the_header_says(server, http):
    path = "/api/v1/GetDocument?DocumentCode=3-21"
    server.fault(path, "encoding")
    got = http.get(server.url + path, expect="json")
    assert "windows-1251" in got.headers["Content-Type"]
    assert got.data["nameRus"].startswith("Кодекс КР от 30 августа 2003")


def test_html_in_windows_1251_under_a_utf8_header_decodes(server, http):
    server.fault("/ru/npa/s/4835", "encoding")
    got = http.get(server.url + "/ru/npa/s/4835", expect="html")
    assert got.body.decode("cp1251").count("Кабинет") and "Кабинет Министров" in got.text()


def test_conditional_request_gets_304_and_the_stored_body(server, http, db):
    first = http.get(server.url + LIST, expect="html")
    second = http.get(server.url + LIST, expect="html")
    assert second.not_modified and second.body == first.body
    assert server.requests(LIST)[-1]["headers"].get("If-None-Match")
    assert [r["status"] for r in db["raw_snapshots"].rows_where("url like ?", ["%provisions%"])] == [200, 304]


def test_raw_store_is_content_addressed_with_url_time_and_headers(server, http, db, tmp_path):
    got = http.get(server.url + LIST, expect="html", conditional=False)
    http.get(server.url + LIST, expect="html", conditional=False)
    rows = list(db["raw_snapshots"].rows_where("url like ?", ["%provisions%"]))
    assert len(rows) == 2 and rows[0]["sha256"] == rows[1]["sha256"] == got.sha256
    assert (tmp_path / "raw" / rows[0]["object"]).read_bytes() == got.body
    # two fetches of the page, one object (plus robots.txt's): each body is stored once
    assert len([f for f in (tmp_path / "raw" / "objects").rglob("*") if f.is_file()]) == 2
    assert rows[0]["fetched_at"] and "Content-Type" in json.loads(rows[0]["headers"])


def test_robots_txt_is_respected(server, http):
    from scrapers.base import RobotsDisallowed

    with pytest.raises(RobotsDisallowed):
        http.get(server.url + "/admin/secret")
    assert not server.requests("/admin/")


def test_post_bodies_are_ascii_escaped_json(server, http):
    http.post_json(server.url + "/api/v1/GetDocuments", {"nameRus": "Трудовой", "isPercentage": True},
                   params={"pageNumber": 1, "pageSize": 5})
    body = server.requests("GetDocuments")[-1]["body"]
    assert body.isascii() and b"\\u0422\\u0440\\u0443\\u0434" in body
    assert json.loads(body)["nameRus"] == "Трудовой"


def test_user_agent_is_browser_like_and_names_the_project(server, http):
    http.get(server.url + LIST)
    ua = server.requests(LIST)[-1]["headers"]["User-Agent"]
    assert ua.startswith("Mozilla/5.0") and "Taraza/" in ua
