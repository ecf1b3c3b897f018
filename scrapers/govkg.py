"""Cabinet of Ministers resolutions on www.gov.kg (``/ru/npa/...`` and ``/ky/npa/...``).

Walk: the listing ``/ru/npa/c/provisions?page=N`` (newest first) → every act id → its page in each language
(``/ru/npa/s/{id}``, ``/ky/npa/s/{id}``; same id, so the two are one pair). Only the act's own block is
ingested (title + body, the sidebar dropped), so a redesign of the page chrome is not a "new version".
URLs and selectors live in ``scrapers/sites/govkg.yml``.
"""
from __future__ import annotations

import html as htmlmod
import re
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from .base import FetchError, Fetched, Source, is_made_up, load_site_config, parse_date
from pipeline.document import TarazaError


def soup_of(got: Fetched) -> BeautifulSoup:
    # decode ourselves: servers mislabel Cyrillic pages (UTF-8 header over windows-1251 bytes and back)
    text = re.sub(r"<meta[^>]*charset[^>]*>", "", got.text(), flags=re.I)
    return BeautifulSoup(text, "lxml")


def load_config(path, name: str) -> dict:
    if not path:
        return load_site_config(name)
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise TarazaError(path, f"cannot read the site configuration: {exc}")


class GovKg(Source):
    name = "govkg"
    default_base_url = "https://www.gov.kg"
    hosts = ("gov.kg", "www.gov.kg")
    init_options = ("config",)

    def __init__(self, db, *, config=None, **kw):
        self.cfg = load_config(config, "govkg")
        self.default_base_url = self.cfg.get("base_url", self.default_base_url)
        super().__init__(db, **kw)

    @property
    def languages(self) -> list[str]:
        return list(self.cfg.get("languages") or ["ru"])

    def collect(self, *, since=None, limit=None, **_):
        cfg = self.cfg
        first = int(cfg.get("first_page", 1))
        urls = (self.url(cfg["listing_url"].format(lang=cfg.get("listing_language", "ru"), page=p))
                for p in range(first, first + int(cfg.get("max_pages", 100))))
        done = lambda row: all(self.done(f"{row['id']}/{lang}") for lang in self.languages)
        old = lambda row: bool(since and row["published"] and row["published"] < since)
        for row in self.new_rows(self.walk_pages(urls, self.parse_listing, done, old), done, limit):
            for lang in self.languages:
                key = f"{row['id']}/{lang}"
                if not self.done(key):
                    self.guarded(key, self.act_url(row["id"], lang), lambda: self.collect_page(row, lang))
            self.link_languages(row["id"])

    def act_url(self, act_id: str, lang: str) -> str:
        return self.url(self.cfg["act_url"].format(lang=lang, id=act_id))

    # -- parsing ------------------------------------------------------------------------------------------

    def parse_listing(self, got: Fetched) -> list[dict]:
        sel = self.cfg["selectors"]
        soup = soup_of(got)
        id_re = re.compile(self.cfg["id_pattern"])
        cells_at = self.cfg.get("cells") or {}
        rows, seen = [], set()
        trs = soup.select(sel["rows"])
        # if the table is gone (a redesign), the act links themselves still carry id and title
        items = [(tr, tr.select_one(sel["link"])) for tr in trs] or [(None, a) for a in soup.select(sel["link"])]
        for tr, a in items:
            m = id_re.search(a.get("href", "")) if a else None
            if not m or m.group(1) in seen:
                continue
            seen.add(m.group(1))
            cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")] if tr is not None else []
            cell = lambda name: cells[cells_at[name]] if name in cells_at and cells_at[name] < len(cells) else ""
            title = re.sub(r"\s+", " ", a.get_text(" ", strip=True))
            number = cell("number") or (re.search(r"№\s*(\S+)", title) or [None, ""])[1]
            act_date = ""
            m_date = re.search(r"от\s+(\d{1,2}\s*\.\s*\d{1,2}\s*\.\s*\d{4})", title)
            if m_date:
                act_date = parse_date(m_date.group(1))
            rows.append({"id": m.group(1), "title": title, "number": number.strip(), "act_date": act_date,
                         "published": parse_date(cell("date"))})
        return rows

    def collect_page(self, row: dict, lang: str) -> bool:
        url = self.act_url(row["id"], lang)
        key = f"{row['id']}/{lang}"
        try:
            got = self.http.get(url, expect="html")
        except FetchError as exc:
            if exc.status == 404 and lang != self.cfg.get("listing_language", "ru"):
                # not every resolution has a page in the other language
                self.mark(key, kind="page", act_code=row["id"], language=lang, store_status="absent", pair_key=row["id"])
                return True
            raise
        sel = self.cfg["selectors"]
        soup = soup_of(got)
        for bad in soup.select(sel.get("drop", "script, style")):
            bad.decompose()
        body = soup.select_one(sel["body"])
        if body is None or len(body.get_text(strip=True)) < 20:
            raise TarazaError(url, f"act page has no text block ({sel['body']!r} not found: has the layout changed?)")
        heading_el = soup.select_one(sel.get("heading", "h2"))
        heading = heading_el.get_text(" ", strip=True) if heading_el else ""
        h1 = body.find("h1")
        title = re.sub(r"\s+", " ", h1.get_text(" ", strip=True) if h1 else heading or row["title"])
        page = (f"<html><head><title>{htmlmod.escape(title)}</title></head><body>"
                f"<h2>{htmlmod.escape(heading)}</h2>{body}</body></html>").encode("utf-8")
        number = row["number"] or (re.search(r"№\s*(\d+)", heading + " " + title) or [None, ""])[1]
        self.ingest(page, f"govkg/{row['id']}.{lang}.html", key=key, url=url, path=f"govkg/{row['id']}/{lang}",
                    language=lang, act_key=f"govkg:{row['id']}", pair_key=row["id"], made_up=is_made_up(got),
                    meta={"title": title, "act_type": self.cfg.get("act_type", ""), "act_number": number,
                          "act_date": row["act_date"], "issuing_body": self.issuing_body(row["title"] + " " + title)},
                    item={"kind": "page", "act_code": row["id"],
                          "meta": {"listing_title": row["title"], "published": row["published"], "heading": heading}})
        return True

    def issuing_body(self, text: str) -> str:
        spec = self.cfg.get("issuing_body") or {}
        for cue, body in (spec.get("by_title") or {}).items():
            if cue.lower() in text.lower():
                return body
        return spec.get("default", "")
