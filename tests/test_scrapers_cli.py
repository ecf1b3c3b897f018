"""`taraza scrape` exit status and messages: a cron job must tell a failed run from an empty one.
Sites are the replay server (made-up pages) or a local port nothing listens on (no network)."""
from __future__ import annotations

import socket

from click.testing import CliRunner

from pipeline.cli import main
from scrapers.replay import ReplayServer
from scrapers_support import GOVKG, open_fast_db

FAST = ["--delay", "0", "--backoff", "0.001", "--retries", "0", "--timeout", "2"]


def closed_port_url() -> str:
    """A local address where nothing listens: connecting fails at once, as it does with no network."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def scrape(tmp_path, *args):
    open_fast_db(tmp_path / "s.db")
    return CliRunner().invoke(main, ["--db", str(tmp_path / "s.db"), "scrape", *args, *FAST])


def test_a_run_where_everything_failed_exits_non_zero_and_suggests_the_network(tmp_path):
    for source in ("minjust", "govkg"):
        res = scrape(tmp_path, source, "--base-url", closed_port_url(), "--limit", "2")
        assert res.exit_code == 1, (source, res.output)
        assert "robots.txt" in res.output and "no network?" in res.output
        assert "nothing collected" in res.output and "0 new" in res.output


def test_no_enabled_site_exits_non_zero(tmp_path):
    res = scrape(tmp_path, "reports")  # scrapers/sites/reports.yml ships with every site disabled
    assert res.exit_code == 2
    assert "no enabled site" in res.output


def test_a_run_that_collects_or_finds_nothing_new_exits_zero(tmp_path):
    with ReplayServer(GOVKG, retry_after="0") as srv:
        first = scrape(tmp_path, "govkg", "--base-url", srv.url)
        again = scrape(tmp_path, "govkg", "--base-url", srv.url)
    assert first.exit_code == 0 and "8 new" in first.output, first.output
    assert again.exit_code == 0 and "0 new" in again.output and "no network?" not in again.output, again.output


def test_limit_says_it_counts_acts_that_come_with_their_editions():
    res = CliRunner().invoke(main, ["scrape", "--help"])
    help_text = " ".join(res.output.split())
    assert "It counts acts, not files" in help_text and "editions" in help_text
    assert "Exit status" in help_text
