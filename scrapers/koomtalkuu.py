"""Draft acts under public discussion on koomtalkuu.gov.kg.

Nobody has saved this portal's pages, so nothing about its markup is hard-coded: listing URL, item links,
labels of the draft's fields (developer, discussion dates, status, type) and attachment links all come from
``scrapers/sites/koomtalkuu.yml`` (or ``--config FILE``), which says which parts are guesses. The walk is the
generic one of :class:`scrapers.reports.PagedSite`: listing → the draft page in Russian and Kyrgyz (same id,
``/ru/…`` and ``/kg/…``) → the attached draft texts (DOCX/PDF), each stored as a document of kind ``draft``.

``taraza scrape koomtalkuu --record DIR`` saves every response as a replay fixture, so the first run with
internet access turns into the test fixture that replaces the made-up one.
"""
from __future__ import annotations

from .govkg import load_config
from .reports import PagedSite


class Koomtalkuu(PagedSite):
    name = "koomtalkuu"
    kind = "draft"
    default_base_url = "https://koomtalkuu.gov.kg"
    hosts = ("koomtalkuu.gov.kg", "www.koomtalkuu.gov.kg")
    init_options = ("config",)
    site_name = "drafts"

    def __init__(self, db, *, config=None, **kw):
        self.site = load_config(config, "koomtalkuu")
        self.default_base_url = self.site.get("base_url", self.default_base_url)
        super().__init__(db, **kw)
