"""``taraza scrape``: collect a source into the corpus database (registered in pipeline/cli.py COMMANDS)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import SOURCES, source_class


@click.command()
@click.argument("source", type=click.Choice(list(SOURCES)))
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only acts/pages dated on or after this day (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(min=1),
              help="Collect at most N new acts (or report pages) in this run. It counts acts, not files: each act "
                   "comes with its editions (Russian and Kyrgyz, and minjust's earlier editions unless "
                   "--latest-only), so more documents may be stored.")
@click.option("--record", "record_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also save every response as a replay fixture in DIR (responses.yml + bodies/).")
@click.option("--base-url", help="Fetch from this mirror or replay server instead of the live site.")
@click.option("--raw-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Raw snapshot store [default: raw/ beside the database, or $TARAZA_RAW].")
@click.option("--code", "codes", multiple=True, help="minjust: collect these documentCodes (e.g. 3-45) instead of the listing.")
@click.option("--type", "act_type", help="minjust: refTypeId filter of the listing (e.g. 0050 = постановление).")
@click.option("--organ", help="minjust: authoritiesId filter (e.g. 0040.0011 = Cabinet of Ministers).")
@click.option("--latest-only", is_flag=True, help="minjust: only the newest edition of each act, not all editions.")
@click.option("--site", help="reports: one configured site (default: every enabled site).")
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="reports/koomtalkuu/govkg: a site configuration YAML instead of scrapers/sites/<source>.yml.")
@click.option("--delay", type=float, help="Seconds between requests to the site (default per site, ≥1).")
@click.option("--timeout", type=float, help="Seconds to wait for the server (default 30).")
@click.option("--retries", type=int, help="Retries of a failed request (default 4).")
@click.option("--backoff", type=float, help="First retry wait in seconds, doubled each time (default 2).")
@click.option("--quota-wait", type=float, help="Seconds to wait after an over-quota answer (default 5).")
@click.option("--strict", is_flag=True, help="Exit with status 1 if any item could not be collected.")
@click.pass_context
def scrape(ctx, source, since, limit, record_dir, base_url, raw_dir, codes, act_type, organ, latest_only, site,
           config, delay, timeout, retries, backoff, quota_wait, strict):
    """Collect acts, drafts or reports from SOURCE into the corpus database.

    \b
    Sources: minjust     Ministry of Justice legal database (cbd.minjust.gov.kg API), all editions, RU+KY
             govkg       Cabinet of Ministers resolutions (www.gov.kg/ru|ky/npa)
             koomtalkuu  draft acts under public discussion (koomtalkuu.gov.kg; selectors in
                         scrapers/sites/koomtalkuu.yml are unverified until a --record capture)
             reports     agency report pages and their PDF/DOCX attachments (scrapers/sites/reports.yml)

    Incremental: only new or changed items are fetched; a second run fetches nothing new. Stopping it
    (Ctrl-C, a crash) loses nothing: run the same command again to resume. Every response is kept in the raw
    store; items that fail are reported by URL and retried by the next run.

    Exit status: 0 when the run collected or confirmed something (or found nothing new); 1 when items failed
    and nothing was collected (no network, the site down), or with --strict when any item failed; 2 when
    no site is enabled (reports). Pages saved by a browser are not scraped: load them with `taraza ingest`.

    \b
    Examples:
      taraza scrape minjust --since 2026-01-01 --type 0050 --limit 20
      taraza scrape minjust --code 3-45 --code 3-38
      taraza scrape koomtalkuu --record tests/fixtures/scrapers/koomtalkuu-live
      taraza scrape govkg --base-url http://127.0.0.1:8765 --delay 0
    """
    from pipeline.cli import open_db_from

    from . import run

    cls = source_class(source)
    politeness = cls.politeness.with_overrides(min_interval=delay, timeout=timeout, retries=retries,
                                               backoff=backoff, quota_wait=quota_wait)
    db = open_db_from(ctx)
    options = {"codes": codes, "act_type": act_type, "organ": organ, "latest_only": latest_only,
               "site": site, "config": config}
    progress = lambda m: click.echo(m, err=True)
    try:
        reports = run(source, db, since=since.date().isoformat() if since else None, limit=limit, base_url=base_url,
                      record_dir=record_dir, raw_dir=raw_dir, politeness=politeness, progress=progress,
                      **{k: v for k, v in options.items() if v})
    except KeyboardInterrupt:
        click.echo("interrupted: everything collected so far is stored; run the same command again to resume",
                   err=True)
        sys.exit(130)
    if reports == []:
        click.echo(f"no enabled site in {config or 'scrapers/sites/reports.yml'}: enable one or pass --site NAME", err=True)
        sys.exit(2)
    failed = succeeded = 0
    for report in reports if isinstance(reports, list) else [reports]:
        click.echo(report.summary())
        for key, url, reason in report.errors:
            click.echo(f"  failed: {key} {url}: {reason}", err=True)
        failed += report.failed
        succeeded += report.fetched + report.new + report.new_version + report.unchanged + report.skipped
    if record_dir:
        click.echo(f"fixtures written to {record_dir}/responses.yml")
    if failed and not succeeded:
        # A cron job must tell a failed run from an empty one.
        click.echo(f"nothing collected: {failed} failed, none succeeded", err=True)
        sys.exit(1)
    if strict and failed:
        sys.exit(1)
