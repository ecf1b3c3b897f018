"""Scrapers: one small class per source over a shared polite HTTP base (see ``scrapers/base.py``).

``run(source, db, ...)`` collects one source into the corpus database, incrementally and resumably.
"""
from __future__ import annotations

import importlib

from .base import Politeness, RunReport, Source

SOURCES = {
    "minjust": "scrapers.minjust:Minjust",
    "govkg": "scrapers.govkg:GovKg",
    "koomtalkuu": "scrapers.koomtalkuu:Koomtalkuu",
    "reports": "scrapers.reports:Reports",
}


def source_class(name: str) -> type[Source]:
    from pipeline.document import TarazaError

    if name not in SOURCES:
        raise TarazaError(name, f"unknown source; choose one of {', '.join(SOURCES)}")
    module, attr = SOURCES[name].split(":")
    return getattr(importlib.import_module(module), attr)


def run(source: str, db, *, since: str | None = None, limit: int | None = None, base_url: str | None = None,
        record_dir=None, raw_dir=None, politeness: Politeness | None = None, progress=None, robots: bool = True,
        **options) -> RunReport | list[RunReport]:
    """Collect ``source`` into ``db``: only new or changed items; safe to stop and rerun at any point.

    ``options`` are the source's own (minjust: ``codes``, ``act_type``, ``organ``, ``latest_only``;
    reports: ``site``, ``config`` — without a site every enabled site is run and a list of reports comes back;
    koomtalkuu and govkg: ``config``).
    """
    cls = source_class(source)
    if source == "reports" and not options.get("site"):
        # every enabled agency site, each with its own politeness and state
        return [run(source, db, since=since, limit=limit, base_url=base_url, record_dir=record_dir, raw_dir=raw_dir,
                    politeness=politeness, progress=progress, robots=robots, **{**options, "site": name})
                for name in cls.sites(options.get("config"), enabled_only=True)]
    kw = dict(base_url=base_url, record_dir=record_dir, raw_dir=raw_dir, progress=progress, robots=robots)
    if politeness is not None:
        kw["politeness"] = politeness
    scraper = cls(db, **kw, **{k: v for k, v in options.items() if k in getattr(cls, "init_options", ())})
    return scraper.run(since=since, limit=limit, **{k: v for k, v in options.items()
                                                     if k not in getattr(cls, "init_options", ())})


__all__ = ["run", "SOURCES", "source_class", "Politeness", "RunReport", "Source"]
