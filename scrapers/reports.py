"""Agency report pages: a generic source configured per site (``scrapers/sites/reports.yml``).

A site is described, not programmed: the listing URL (paged), which links are items (a CSS selector and a
regular expression whose first group is the item id), the item page's title/date/body selectors, and which
links are attachments. Every PDF/DOCX attachment is downloaded and handed to ingestion (kind ``report``);
the page's own text becomes a document too when it is long enough to be a report rather than a cover note.
``scrapers/koomtalkuu.py`` reuses the same machinery for draft acts.

An item (a page in one language) is marked done only after all of its attachments are stored, so a run
stopped midway revisits it; attachments already stored are not downloaded again.
"""
from __future__ import annotations

import hashlib
import html as htmlmod
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .base import FetchError, Fetched, Source, is_made_up, parse_date
from .govkg import load_config, soup_of
from pipeline.document import TarazaError

_EXPECT = {".pdf": "pdf", ".docx": "docx"}


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.get_text(" ", strip=True)) if el is not None else ""


class PagedSite(Source):
    """Listing pages → item pages (per language) → attachments, all driven by ``self.site`` (a dict)."""

    site: dict = {}
    site_name = ""

    # -- configuration ------------------------------------------------------------------------------------

    @property
    def languages(self) -> dict:
        """Our language code → the site's URL prefix (koomtalkuu writes Kyrgyz as ``kg``)."""
        langs = self.site.get("languages") or {"ru": "ru"}
        return dict(langs) if isinstance(langs, dict) else {lang: lang for lang in langs}

    @property
    def listing_lang(self) -> str:
        return self.site.get("listing_language") or next(iter(self.languages))

    def listing_urls(self):
        lst = self.site["listing"]
        prefix = self.languages.get(self.listing_lang, self.listing_lang)
        first = int(lst.get("first_page", 1))
        if "{page}" not in lst["url"]:
            yield self.url(lst["url"].format(lang=prefix))
            return
        for page in range(first, first + int(lst.get("max_pages", 50))):
            yield self.url(lst["url"].format(lang=prefix, page=page))

    # -- the run ------------------------------------------------------------------------------------------

    def collect(self, *, since=None, limit=None, **_):
        langs = list(self.languages)
        done = lambda row: all(self.done(self.key(row['id'], lang)) for lang in (langs if row["page"] else [self.listing_lang]))
        old = lambda row: bool(since and row["date"] and row["date"] < since)
        listing = self.walk_pages(self.listing_urls(), self.parse_listing, done, old,
                                  listing_key=f"{self.site_prefix}listing")
        for row in self.new_rows(listing, done, limit):
            if not row["page"]:  # the listing links straight to a file
                key = self.key(row['id'], self.listing_lang)
                self.guarded(key, row["url"], lambda: self.collect_attachment(row["url"], "", key, self.listing_lang,
                                                                              {"title": row["title"], "issuing_body": self.site.get("agency", "")}, row))
                continue
            for lang in langs:
                key = self.key(row['id'], lang)
                if not self.done(key):
                    self.guarded(key, self.item_url(row, lang), lambda: self.collect_item(row, lang))
            for (pair_key,) in self.db.execute("select distinct pair_key from scrape_items where source = ? and "
                                               "act_code = ? and pair_key != ''", [self.name, self.site_prefix + row["id"]]).fetchall():
                self.link_languages(pair_key)

    def key(self, item_id: str, lang: str) -> str:
        return f"{self.site_prefix}{item_id}/{lang}"

    @property
    def site_prefix(self) -> str:
        """Item keys of the reports source carry the site's name: two sites may both have an item 12."""
        return f"{self.site_name}:" if self.name == "reports" else ""

    def item_url(self, row: dict, lang: str) -> str:
        template = (self.site.get("item") or {}).get("url")
        if template:
            return self.url(template.format(lang=self.languages.get(lang, lang), id=row["id"]))
        return row["url"]

    # -- listing ------------------------------------------------------------------------------------------

    def parse_listing(self, got: Fetched) -> list[dict]:
        lst = self.site["listing"]
        soup = soup_of(got)
        pattern = re.compile(lst["link_pattern"])
        attachment = re.compile((self.site.get("attachments") or {}).get("pattern", r"$^"), re.I)
        rows, seen = [], set()
        scopes = soup.select(lst["row"]) if lst.get("row") else [soup]
        for scope in scopes:
            for a in scope.select(lst.get("link", "a[href]")):
                href = urljoin(got.url, a.get("href", ""))
                m = pattern.search(href)
                if not m:
                    continue
                item_id = next((g for g in m.groups() if g), None) or hashlib.sha1(urlsplit(href).path.encode()).hexdigest()[:12]
                if item_id in seen:
                    continue
                seen.add(item_id)
                date_el = scope.select_one(lst["date"]) if lst.get("date") and scope is not soup else None
                rows.append({"id": item_id, "url": self.rebase(href), "title": _text(a),
                             "date": parse_date(_text(date_el)) if date_el is not None else "",
                             "page": not attachment.search(urlsplit(href).path)})
        return rows

    # -- item pages ---------------------------------------------------------------------------------------

    def collect_item(self, row: dict, lang: str) -> bool:
        url = self.item_url(row, lang)
        key = self.key(row['id'], lang)
        try:
            got = self.http.get(url, expect="html")
        except FetchError as exc:
            if exc.status == 404 and lang != self.listing_lang:
                self.mark(key, kind="page", act_code=self.site_prefix + row["id"], language=lang, store_status="absent", pair_key=self.site_prefix + row["id"])
                return True
            raise
        item = self.site.get("item") or {}
        soup = soup_of(got)
        for bad in soup.select(item.get("drop", "script, style")):
            bad.decompose()
        title = _text(soup.select_one(item.get("title", "h1"))) or row["title"]
        date = parse_date(_text(soup.select_one(item["date"]))) if item.get("date") else ""
        body = soup.select_one(item["body"]) if item.get("body") else None
        if body is None and item.get("body"):
            raise TarazaError(url, f"item page has no text block ({item['body']!r} not found: has the layout changed?)")
        fields = self.fields(soup)
        meta = {"title": title, "act_date": date or row["date"], **self.document_meta(title, fields)}
        extra = {"listing_title": row["title"], "listed_date": row["date"], **fields}
        # attachments first: the page counts as collected only when all of them are stored
        complete = True
        within = (self.site.get("attachments") or {}).get("within")
        scope = (soup.select_one(within) if within else None) or soup
        for n, (link_url, link_text) in enumerate(self.attachment_links(scope, got.url), 1):
            akey = f"{key}/att/{hashlib.sha1(urlsplit(link_url).path.encode()).hexdigest()[:12]}"
            if self.done(akey):
                continue
            # the n-th file of the Russian page and the n-th of the Kyrgyz page are taken as one text's two versions
            ok = self.guarded(akey, link_url, lambda: self.collect_attachment(link_url, link_text, akey, lang, meta, row,
                                                                             extra, pair_key=f"{self.site_prefix}{row['id']}/file{n}"))
            complete = complete and bool(ok)
        text_len = len(_text(body)) if body is not None else 0
        if not complete:
            return False
        if body is not None and text_len >= int(item.get("min_body_chars", 300)):
            page = (f"<html><head><title>{htmlmod.escape(title)}</title></head><body><h1>{htmlmod.escape(title)}</h1>"
                    f"{body}</body></html>").encode("utf-8")
            self.ingest(page, f"{self.name}/{self.site_name}/{row['id']}.{lang}.html", key=key, url=url,
                        path=f"{self.name}/{self.site_name}/{row['id']}/{lang}", language=lang,
                        act_key=f"{self.name}:{self.site_name}:{row['id']}", pair_key=self.site_prefix + row["id"],
                        made_up=is_made_up(got), meta=meta,
                        item={"kind": "page", "act_code": self.site_prefix + row["id"], "meta": extra})
        else:
            self.mark(key, kind="page", act_code=self.site_prefix + row["id"], language=lang, url=self.public_url(url),
                      store_status="no_text", pair_key=self.site_prefix + row["id"], meta=extra)
        return True

    def fields(self, soup) -> dict:
        """Labelled values (``<dt>Разработчик</dt><dd>…</dd>``, table rows, «Label: value») by configured labels."""
        spec = (self.site.get("item") or {}).get("fields") or {}
        labels = spec.get("labels") or {}
        out: dict = {}
        if not labels:
            return out
        for el in soup.select(spec.get("label_selector", "dt, th, .label, strong, b")):
            label = _text(el).rstrip(":").strip().casefold()
            for name, cues in labels.items():
                if name in out or not any(label.startswith(c.casefold()) for c in cues):
                    continue
                nxt = el.find_next_sibling()
                value = _text(nxt) if nxt is not None else _text(el.parent).replace(_text(el), "", 1).lstrip(": ")
                out[name] = value
        for name in (spec.get("dates") or []):
            if out.get(name):
                out[name] = parse_date(out[name]) or out[name]
        return out

    def document_meta(self, title: str, fields: dict) -> dict:
        """Document columns from the page: the agency, or what the site config maps fields to."""
        mapping = (self.site.get("item") or {}).get("document_fields") or {}
        meta = {"issuing_body": self.site.get("agency", "")}
        for column, fld in mapping.items():
            if fields.get(fld):
                meta[column] = fields[fld]
        for pattern, act_type in ((self.site.get("item") or {}).get("act_types") or {}).items():
            if re.search(pattern, title, re.I):
                meta.setdefault("act_type", act_type)
                break
        return meta

    # -- attachments --------------------------------------------------------------------------------------

    def attachment_links(self, scope, base: str) -> list[tuple[str, str]]:
        spec = self.site.get("attachments") or {}
        if not spec:
            return []
        pattern = re.compile(spec.get("pattern", r"\.(pdf|docx)(\?|$)"), re.I)
        out, seen = [], set()
        for a in scope.select(spec.get("link", "a[href]")):
            href = urljoin(base, a.get("href", ""))
            if pattern.search(href) and href not in seen:
                seen.add(href)
                out.append((self.rebase(href), _text(a)))
        return out

    def collect_attachment(self, url: str, link_text: str, key: str, lang: str, meta: dict, row: dict,
                           extra: dict | None = None, pair_key: str = "") -> bool:
        ext = Path(urlsplit(url).path).suffix.lower()
        got = self.http.get(url, expect=_EXPECT.get(ext, "any"), conditional=False)
        name = self.file_name(got, url)
        title = " — ".join(t for t in (meta.get("title") or row.get("title"), link_text) if t)
        self.ingest(got.body, f"{self.name}/{self.site_name}/{row['id']}/{name}", key=key, url=url,
                    path=f"{self.name}/{self.site_name}/{row['id']}/{name}",
                    language=lang if self.site.get("trust_language") else None,
                    act_key=f"{self.name}:{self.site_name}:{row['id']}", made_up=is_made_up(got), pair_key=pair_key,
                    meta={**meta, "title": title, "act_date": meta.get("act_date") or row.get("date", "")},
                    item={"kind": "attachment", "act_code": self.site_prefix + row["id"], "version_tag": got.sha256,
                          "meta": {"file": name, "link_text": link_text, **(extra or {})}})
        return True

    @staticmethod
    def file_name(got: Fetched, url: str) -> str:
        disp = got.headers.get("Content-Disposition") or ""
        m = re.search(r"filename\*=UTF-8''([^;]+)|filename=\"?([^\";]+)", disp)
        name = unquote(m.group(1) or m.group(2)) if m else unquote(Path(urlsplit(url).path).name) or "file"
        return re.sub(r"[\\/\x00-\x1f]", "_", name)


class Reports(PagedSite):
    """One configured agency site per run (``--site``); ``scrapers.run`` loops over all enabled sites."""

    name = "reports"
    kind = "report"
    init_options = ("site", "config")

    def __init__(self, db, *, site: str | None = None, config=None, **kw):
        sites = self.sites(config)
        if site not in sites:
            raise TarazaError(config or "scrapers/sites/reports.yml",
                              f"no site {site!r} configured; configured: {', '.join(sites) or 'none'}")
        self.site_name = site
        self.site = sites[site]
        self.default_base_url = self.site["base_url"]
        self.hosts = tuple(self.site.get("hosts") or ())
        super().__init__(db, **kw)

    @staticmethod
    def sites(config=None, enabled_only: bool = False) -> dict:
        sites = load_config(config, "reports").get("sites") or {}
        return {k: v for k, v in sites.items() if not enabled_only or v.get("enabled", True)}
