"""Ministry of Justice Centralized Bank of Legal Information (cbd.minjust.gov.kg), through its JSON API.

Walk: ``POST GetDocuments`` (listing, paged) → ``GET GetDocument`` (card with ``editions[]``) → for every
edition and language ``GET GetEdition`` (Word HTML in ``contentRu``), falling back to ``GET GetFile`` (DOCX)
when the edition has no HTML. Both languages of one edition share ``pair_key = documentCode/editionId`` and
are linked in ``act_links``; every language version of an act shares ``act_key = minjust:<documentCode>``.

Traps handled (``../shared/docs/data-sources.md`` §1.4): the Kyrgyz text comes in ``contentRu`` — the
language is the one we asked for; ``GetEdition`` may echo the newest edition's id/name — ids and dates come
from ``GetDocument.editions``; edition dates are messy text; ``<meta charset=windows-1251>`` inside UTF-8
JSON (the HTML string is passed on as UTF-8, never re-decoded); POST bodies carry ``\\uXXXX`` escapes;
``status`` is a string in listings and an object in the card; ``GetDocuments`` may return fewer rows than
``pageSize`` (the page size follows what the server gives); the over-quota 200 page (base.Http).
"""
from __future__ import annotations

import re

from .base import FetchError, Politeness, Source, is_made_up, parse_date

LANGS = {"ru": "ru", "kg": "ky"}  # the API's lang parameter → our language code


def _ws(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip()


def _status(value) -> str:
    if isinstance(value, dict):
        return _ws(value.get("nameRus") or value.get("code"))
    return _ws(value)


class Minjust(Source):
    name = "minjust"
    default_base_url = "https://cbd.minjust.gov.kg"
    # ≈20 requests / 5 s per IP is the API's limit; working clients keep to ≤1 request/s.
    politeness = Politeness(min_interval=1.0, max_requests=20, per_seconds=5.0, quota_wait=5.0)
    headers = {"Referer": "https://cbd.minjust.gov.kg/", "Origin": "https://cbd.minjust.gov.kg",
               "Accept": "application/json, text/plain, */*"}

    def api(self, endpoint: str) -> str:
        return self.url(f"/api/v1/{endpoint}")

    # -- listing ------------------------------------------------------------------------------------------

    def list_acts(self, since: str | None = None, act_type: str | None = None, organ: str | None = None,
                  page_size: int = 50):
        """Rows of GetDocuments, newest first, each documentCode once."""
        payload: dict = {"lang": "ru"}
        if since:
            payload["dateAdoptedFrom"] = since
        if act_type:
            payload["refTypeId"] = act_type
        if organ:
            payload["authoritiesId"] = organ
        page, size, seen = 1, page_size, set()
        while True:
            try:
                got = self.http.post_json(self.api("GetDocuments"), payload, params={"pageNumber": page, "pageSize": size})
            except FetchError as exc:
                self.fail(f"listing:{page}", exc.path, exc.reason)
                return
            data = got.data if isinstance(got.data, dict) else {}
            rows = data.get("data") or []
            total = next((data[k] for k in ("recordsFiltered", "filteredResultsCount") if isinstance(data.get(k), int)), None)
            if not rows:
                return
            if page == 1 and len(rows) < size and (total is None or total > len(rows)):
                size = len(rows)  # the server caps rows per call: page by what it gives, or rows are skipped
            fresh = [r for r in rows if str(r.get("documentCode")) not in seen]
            if not fresh:
                return  # the server repeats itself: stop rather than loop
            for r in fresh:
                seen.add(str(r.get("documentCode")))
                yield r
            if total is not None and page * size >= total:
                return
            page += 1

    # -- the run ------------------------------------------------------------------------------------------

    def collect(self, *, since=None, limit=None, codes=(), act_type=None, organ=None, latest_only=False, **_):
        rows = ({"documentCode": c} for c in codes) if codes else self.list_acts(since, act_type, organ)
        def unchanged(r):
            tag = self.edition_tag(r)
            return bool(tag and self.done(f"act:{r['documentCode']}", tag))

        for row in self.new_rows(rows, unchanged, limit):
            code, tag = str(row["documentCode"]), self.edition_tag(row)
            self.guarded(f"act:{code}", self.api(f"GetDocument?DocumentCode={code}"),
                         lambda: self.collect_act(code, row, tag, latest_only))

    @staticmethod
    def edition_tag(row: dict) -> str | None:
        """The listing's newest edition id: unchanged means the act needs no new request."""
        last = row.get("lastEdition")
        return str(last.get("id") if isinstance(last, dict) else last) if last else None

    def collect_act(self, code: str, row: dict, tag: str | None, latest_only: bool) -> None:
        card = self.http.get(self.api("GetDocument"), params={"DocumentCode": code}, expect="json").data
        if not isinstance(card, dict) or not card.get("editions"):
            raise FetchError(self.api(f"GetDocument?DocumentCode={code}"), "card has no editions[]")
        editions = sorted(card["editions"], key=lambda e: (e.get("editionCode") or 0))
        if latest_only:
            editions = editions[-1:]
        meta = self.act_meta(code, row, card)
        complete = True
        for ed in editions:
            for lang in LANGS:
                if lang == "kg" and "textKyrType" in ed and not ed.get("textKyrType"):
                    continue  # the card says there is no Kyrgyz text for this edition
                key = f"{code}/{ed['id']}/{lang}"
                if self.done(key):
                    self.report.skipped += 1
                    continue
                ok = self.guarded(key, self.api(f"GetEdition?editionId={ed['id']}&lang={lang}"),
                                  lambda: self.collect_edition(code, ed, lang, meta))
                complete = complete and bool(ok)
            self.link_languages(f"{code}/{ed['id']}")
        self.fix_current(code)
        if complete:
            self.mark(f"act:{code}", kind="act", act_code=code, version_tag=tag or str(editions[-1]["id"]),
                      url=self.public_url(self.page_url(code, editions[-1]["id"], "ru")), meta=meta)

    def collect_edition(self, code: str, ed: dict, lang: str, meta: dict) -> bool:
        got = self.http.get(self.api("GetEdition"), params={"editionId": ed["id"], "lang": lang}, expect="json")
        edition = got.data if isinstance(got.data, dict) else {}
        html = edition.get("contentRu") or edition.get("contentKg")  # Kyrgyz text arrives in contentRu too
        key = f"{code}/{ed['id']}/{lang}"
        if html and html.strip():
            data, name = html.encode("utf-8"), f"minjust/{code}/{ed['id']}.{lang}.html"
        else:
            try:
                got = self.http.get(self.api("GetFile"), params={"refId": ed["id"], "lang": lang}, expect="docx")
                data = got.body
            except FetchError as exc:
                if exc.status == 404:  # neither HTML nor a file: this language version does not exist
                    self.mark(key, kind="edition", act_code=code, edition_id=str(ed["id"]), language=LANGS[lang],
                              store_status="absent", pair_key=f"{code}/{ed['id']}")
                    return True
                raise
            name = f"minjust/{code}/{ed['id']}.{lang}.docx"
        language = LANGS[lang]
        title = meta["title_ky"] if language == "ky" and meta.get("title_ky") else meta["title_ru"]
        label = _ws(ed.get("nameRus") if language == "ru" else (ed.get("nameKyr") or ed.get("nameRus")))
        self.ingest(
            data, name, key=key, url=self.page_url(code, ed["id"], lang), language=language,
            path=f"minjust/{code}/{language}", act_key=f"minjust:{code}", pair_key=f"{code}/{ed['id']}",
            made_up=is_made_up(got),
            meta={"title": title, "act_type": meta["type"], "act_date": meta["date_adopted"],
                  "act_number": meta["number"], "issuing_body": meta["organ"]},
            item={"kind": "edition", "act_code": code, "edition_id": str(ed["id"]),
                  "edition_code": ed.get("editionCode"), "edition_label": label,
                  "edition_date": parse_date(label), "future_entry": parse_date(edition.get("dateOfFutureEntry")),
                  "version_tag": str(ed["id"]), "meta": meta},
        )
        return True

    def fix_current(self, code: str) -> None:
        """The newest edition is the current version, even if an older one was stored after it (a retry)."""
        for language in LANGS.values():
            row = self.db.execute(
                "select document_id from scrape_items where source = ? and act_code = ? and language = ? and "
                "kind = 'edition' and document_id is not null order by edition_code desc limit 1",
                [self.name, code, language]).fetchone()
            if row:
                with self.db.conn:
                    self.db.execute("update documents set is_current = (id = ?) where path = ? and language = ?",
                                    [row[0], f"minjust/{code}/{language}", language])

    # -- metadata -----------------------------------------------------------------------------------------

    def page_url(self, code: str, edition_id, lang: str) -> str:
        # The SPA's Russian page is known (…/edition/<id>/ru); its Kyrgyz page address is not, so Kyrgyz
        # versions point at the API call that returned them.
        if lang == "ru":
            return self.url(f"/{code}/edition/{edition_id}/ru")
        return self.api(f"GetEdition?editionId={edition_id}&lang={lang}")

    @staticmethod
    def act_meta(code: str, row: dict, card: dict) -> dict:
        ref_type = card.get("refTypeId")
        title_ru = _ws(row.get("nameRu") or card.get("nameRus"))
        number = _ws(card.get("number"))
        if not number:
            m = re.search(r"№\s*([\w/-]+)", title_ru)
            number = m.group(1) if m else ""
        return {
            "documentCode": code,
            "numericCode": _ws(card.get("documentCode")),   # the card answers with the old site's numeric id
            "title_ru": title_ru,
            "title_ky": _ws(row.get("nameKg") or card.get("nameKyr")),
            "type": _ws(row.get("vid")) or (_ws(ref_type.get("nameRus")) if isinstance(ref_type, dict) else ""),
            "type_code": _ws(ref_type.get("code")) if isinstance(ref_type, dict) else "",
            "organ": _ws(row.get("organ")),
            "number": number,
            "date_adopted": parse_date(card.get("dateAdopted") or row.get("dateAdopted")),
            "date_entry": parse_date(card.get("dateOfEntry")),
            "date_published": parse_date(row.get("datePublication")),
            "status": _status(card.get("status") or row.get("status")),
            "status_code": _ws(card["status"].get("code")) if isinstance(card.get("status"), dict) else "",
        }
