"""What every scraper shares: polite HTTP, a raw store of every response, scrape state, ingestion.

A source (``scrapers/minjust.py`` …) only knows its URLs and how to read its responses; this module does
the rest:

* :class:`Http` — one ``requests.Session`` per run with a browser-like User-Agent that names the project,
  robots.txt, a per-site rate limit, retries with exponential backoff, ``Retry-After`` on 429/503, the
  Ministry of Justice's over-quota page (HTTP 200 + plain text) waited out and never stored, bodies checked
  for truncation, and conditional requests (``If-None-Match`` / ``If-Modified-Since``).
  The retry loop is written out rather than delegated to urllib3's ``Retry`` because two of the faults are
  not HTTP statuses (the over-quota 200 page, a truncated JSON/DOCX body) and ``Retry-After`` must be capped.
* :class:`RawStore` — every response body content-addressed under ``<raw>/objects/ab/cdef…`` and indexed
  (URL, time, status, headers) in the ``raw_snapshots`` table, so parsing can be redone offline.
* :class:`Recorder` — with ``--record DIR`` every good response is also written as a replay fixture
  (``DIR/responses.yml`` + ``DIR/bodies/``), the format ``scrapers.replay`` serves in the tests.
* :class:`Source` — state per scraped item (``scrape_items``), per-item errors (``scrape_errors``), runs
  (``scrape_runs``) and :meth:`Source.ingest`, which hands bytes to ``pipeline.ingest.read_bytes`` and
  ``pipeline.store.store_document``. An item is marked done only after its document is committed, and storing
  the same bytes twice is a no-op, so a run killed anywhere resumes with no loss and no duplicate.
"""
from __future__ import annotations

import email.utils
import hashlib
import io
import json
import os
import random
import re
import time
import urllib.robotparser
import zipfile
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import yaml

from pipeline.document import TarazaError

try:
    from importlib.metadata import version as _pkg_version

    VERSION = _pkg_version("taraza")
except Exception:  # running from a checkout that was never pip-installed
    VERSION = "0.1"

# The CBD's WAF answers 403 to non-browser agents (data-sources.md §1.4), so the string looks like a browser
# and still says who we are and where to read about us.
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 "
    f"Taraza/{VERSION} (+open-source anti-corruption expertise of Kyrgyz legal acts; polite, rate-limited)"
)
ROBOTS_AGENT = "Taraza"


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Errors


class FetchError(TarazaError):
    """A URL that could not be fetched after the retries allowed; ``path`` is the URL."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        self.status = status
        super().__init__(url, reason)


class RobotsDisallowed(FetchError):
    """robots.txt asks us not to fetch this URL: the item is skipped on purpose, not failed."""


# Said when the site could not be reached at all: the usual cause is this machine being offline.
NO_NETWORK = "; no network? Check the connection, or fetch from a mirror or replay server with --base-url"


def _connection_error(reason: str) -> bool:
    return reason.startswith(("connection failed", "timed out"))


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying."""

    def __init__(self, reason: str, wait: float | None = None):
        self.reason = reason
        self.wait = wait
        super().__init__(reason)


# ---------------------------------------------------------------------------------------------------------
# Politeness


@dataclass
class Politeness:
    """How hard we may hit one site. Tests shrink every wait; live runs keep the defaults."""

    timeout: float = 30.0          # seconds for connect and for each read
    retries: int = 4               # extra attempts after the first, for network errors, 5xx, 429, bad bodies
    backoff: float = 2.0           # first retry waits this long, then doubles (with jitter)
    backoff_max: float = 60.0
    retry_after_max: float = 120.0  # a server asking for longer than this is waited this long, then retried
    min_interval: float = 1.0      # seconds between two requests to the site
    max_requests: int = 0          # and at most this many requests …
    per_seconds: float = 0.0       # … per this many seconds (0 = no window)
    quota_wait: float = 5.0        # after an over-quota page
    quota_retries: int = 20        # over-quota pages tolerated for one request before giving up
    quota_pattern: str = r"quota exceeded"

    def with_overrides(self, **kw) -> "Politeness":
        return replace(self, **{k: v for k, v in kw.items() if v is not None})


class RateLimiter:
    """Minimum spacing between requests plus a sliding window (e.g. 20 requests / 5 s)."""

    def __init__(self, p: Politeness, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.p = p
        self.clock = clock
        self.sleep = sleep
        self.last: float | None = None
        self.stamps: deque[float] = deque()

    def wait(self) -> None:
        now = self.clock()
        if self.last is not None and self.p.min_interval > 0:
            gap = self.p.min_interval - (now - self.last)
            if gap > 0:
                self.sleep(gap)
                now = self.clock()
        if self.p.max_requests and self.p.per_seconds:
            while self.stamps and now - self.stamps[0] >= self.p.per_seconds:
                self.stamps.popleft()
            if len(self.stamps) >= self.p.max_requests:
                self.sleep(self.stamps[0] + self.p.per_seconds - now)
                now = self.clock()
                self.stamps.popleft()
            self.stamps.append(now)
        self.last = now


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


# ---------------------------------------------------------------------------------------------------------
# Raw store and recorder


class RawStore:
    """Content-addressed bodies on disk + an index row per response in ``raw_snapshots``."""

    def __init__(self, root: str | Path, db):
        self.root = Path(root)
        self.db = db

    def path_for(self, digest: str) -> Path:
        return self.root / "objects" / digest[:2] / digest[2:]

    def put(self, body: bytes) -> str:
        digest = sha256(body)
        path = self.path_for(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
            tmp.write_bytes(body)
            os.replace(tmp, path)  # atomic: a killed run never leaves half an object under its final name
        return digest

    def get(self, digest: str) -> bytes | None:
        path = self.path_for(digest)
        return path.read_bytes() if path.exists() else None

    def record(self, *, source: str, method: str, url: str, request_body: bytes | None, status: int,
               headers: dict, digest: str, size: int, fetched_at: str, not_modified: bool) -> None:
        self.db["raw_snapshots"].insert({
            "id": sha256(f"{method} {url} {fetched_at} {digest} {time.monotonic_ns()}".encode())[:20],
            "source": source, "method": method, "url": url,
            "request_body": request_body.decode("utf-8", "replace") if request_body else None,
            "status": status, "headers": json.dumps(headers, ensure_ascii=False), "sha256": digest, "size": size,
            "object": str(self.path_for(digest).relative_to(self.root)), "fetched_at": fetched_at,
            "not_modified": int(not_modified),
        })

    def validators(self, key: str) -> dict | None:
        rows = list(self.db["http_cache"].rows_where("key = ?", [key]))
        return rows[0] if rows else None

    def remember(self, key: str, url: str, headers: dict, digest: str, fetched_at: str) -> None:
        etag = headers.get("ETag") or headers.get("etag")
        modified = headers.get("Last-Modified") or headers.get("last-modified")
        self.db["http_cache"].upsert({"key": key, "url": url, "etag": etag, "last_modified": modified,
                                      "sha256": digest, "fetched_at": fetched_at}, pk="key")


_EXT = {"application/json": "json", "text/html": "html", "application/pdf": "pdf", "text/plain": "txt",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        "application/msword": "doc", "text/xml": "xml", "application/xml": "xml"}


class Recorder:
    """Writes responses as replay fixtures: ``DIR/responses.yml`` (one entry per request) + ``DIR/bodies/``.

    The file is rewritten after every response, so a run stopped midway still leaves usable fixtures.
    """

    def __init__(self, root: str | Path, source: str, origin: str):
        self.root = Path(root)
        (self.root / "bodies").mkdir(parents=True, exist_ok=True)
        self.index = self.root / "responses.yml"
        data = yaml.safe_load(self.index.read_text(encoding="utf-8")) if self.index.exists() else None
        self.data = data or {"source": source, "recorded_from": origin, "made_up": False, "responses": []}
        self.data.setdefault("responses", [])
        self.data["recorded_at"] = now_iso()

    def record(self, method: str, url: str, request_body: bytes | None, status: int, headers: dict, body: bytes) -> None:
        from .replay import MADE_UP_HEADER, request_key  # one definition of "the same request" for recording and replaying

        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        ctype = headers.get("Content-Type") or headers.get("content-type") or ""
        ext = _EXT.get(ctype.split(";")[0].strip().lower(), "bin")
        name = f"bodies/{sha256(body)[:16]}.{ext}"
        (self.root / name).write_bytes(body)
        entry = {"method": method, "path": path, "status": status, "content_type": ctype, "body": name}
        for h in ("ETag", "Last-Modified", "Content-Disposition"):
            if headers.get(h):
                entry[h.lower()] = headers[h]
        if request_body:
            entry["request_body"] = request_body.decode("utf-8")
        if headers.get(MADE_UP_HEADER) == "1":
            entry["made_up"] = True  # recording our own made-up fixtures must not turn them into "real" ones
        key = request_key(method, path, request_body)
        self.data["responses"] = [e for e in self.data["responses"]
                                  if request_key(e["method"], e["path"], (e.get("request_body") or "").encode() or None) != key]
        self.data["responses"].append(entry)
        tmp = self.index.with_suffix(".yml.tmp")
        header = ("# Real responses recorded by `taraza scrape ... --record`; served by scrapers.replay in the tests.\n"
                  "# Bodies are the site's own bytes (see README.md for provenance).\n")
        tmp.write_text(header + yaml.safe_dump(self.data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        os.replace(tmp, self.index)


# ---------------------------------------------------------------------------------------------------------
# HTTP


@dataclass
class Fetched:
    url: str
    status: int
    headers: dict
    body: bytes
    sha256: str
    not_modified: bool = False
    data: object = None          # parsed JSON when expect="json"

    def text(self) -> str:
        """Body as text, whatever the server claimed: UTF-8 if it decodes, else the declared/Cyrillic codepage."""
        from pipeline.ingest import decode_text

        return decode_text(self.body, self.url)


@dataclass
class Stats:
    requests: int = 0
    not_modified: int = 0
    retries: int = 0
    quota_waits: int = 0
    bytes: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class Http:
    """Polite HTTP for one site. ``request`` returns a good :class:`Fetched` or raises :class:`FetchError`."""

    def __init__(self, *, source: str, politeness: Politeness, raw: RawStore, recorder: Recorder | None = None,
                 headers: dict | None = None, robots: bool = True, sleep: Callable[[float], None] = time.sleep,
                 log: Callable[[str], None] = lambda m: None):
        self.source = source
        self.p = politeness
        self.raw = raw
        self.recorder = recorder
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept-Language": "ru,ky;q=0.8,en;q=0.5"})
        self.session.headers.update(headers or {})
        self.use_robots = robots
        self.robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self.robots_errors: dict[str, str] = {}
        self.sleep = sleep
        self.limiter = RateLimiter(politeness, sleep=sleep)
        self.log = log
        self.stats = Stats()
        self._quota = re.compile(politeness.quota_pattern.encode(), re.I) if politeness.quota_pattern else None

    # -- public -------------------------------------------------------------------------------------------

    def get(self, url: str, *, params: dict | None = None, expect: str = "any", conditional: bool = True,
            headers: dict | None = None) -> Fetched:
        if params:
            req = requests.Request("GET", url, params=params).prepare()
            url = req.url
        return self.request("GET", url, expect=expect, conditional=conditional, headers=headers)

    def post_json(self, url: str, payload: dict, *, params: dict | None = None, expect: str = "json",
                  headers: dict | None = None) -> Fetched:
        if params:
            url = requests.Request("POST", url, params=params).prepare().url
        # The CBD's WAF rejects raw UTF-8 Cyrillic in POST bodies: send \uXXXX escapes (data-sources.md §1.4).
        body = json.dumps(payload, ensure_ascii=True, sort_keys=True).encode("ascii")
        h = {"Content-Type": "application/json;charset=UTF-8", **(headers or {})}
        return self.request("POST", url, body=body, expect=expect, conditional=False, headers=h)

    def allowed(self, url: str) -> bool:
        """robots.txt of the URL's host permits us (fetched once per host; 4xx = no rules, 5xx = keep out)."""
        if not self.use_robots:
            return True
        parts = urlsplit(url)
        if parts.path == "/robots.txt":
            return True
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self.robots:
            rp = urllib.robotparser.RobotFileParser()
            try:
                got = self.request("GET", host + "/robots.txt", expect="any", conditional=True, check_robots=False)
                rp.parse(got.text().splitlines())
            except FetchError as exc:
                if exc.status is not None and 400 <= exc.status < 500 and exc.status not in (401, 403):
                    rp.allow_all = True
                else:  # RFC 9309 §2.3.1.4: an unreachable robots.txt means "assume complete disallow" for now
                    rp.disallow_all = True
                    self.robots_errors[host] = exc.reason + (NO_NETWORK if _connection_error(exc.reason) else "")
                    self.log(f"robots.txt of {host} unreachable ({self.robots_errors[host]}): "
                             f"not crawling {host} in this run")
            self.robots[host] = rp
        rp = self.robots[host]
        return rp.can_fetch(ROBOTS_AGENT, url)

    def crawl_delay(self, url: str) -> float | None:
        parts = urlsplit(url)
        rp = self.robots.get(f"{parts.scheme}://{parts.netloc}")
        return rp.crawl_delay(ROBOTS_AGENT) if rp else None

    # -- the retry loop -----------------------------------------------------------------------------------

    def request(self, method: str, url: str, *, body: bytes | None = None, expect: str = "any",
                conditional: bool = True, headers: dict | None = None, check_robots: bool = True) -> Fetched:
        if check_robots and not self.allowed(url):
            parts = urlsplit(url)
            unreachable = self.robots_errors.get(f"{parts.scheme}://{parts.netloc}")
            if unreachable:  # a failure (retried next run), not a deliberate skip
                raise FetchError(url, f"not fetched: the site's robots.txt is unreachable ({unreachable})")
            raise RobotsDisallowed(url, "disallowed by robots.txt")
        key = f"{method} {url} {sha256(body)[:16] if body else ''}".strip()
        attempt = 0
        quota_hits = 0
        while True:
            h = dict(headers or {})
            cached = self.raw.validators(key) if conditional else None
            if cached and self.raw.get(cached["sha256"]) is not None:
                if cached.get("etag"):
                    h["If-None-Match"] = cached["etag"]
                if cached.get("last_modified"):
                    h["If-Modified-Since"] = cached["last_modified"]
            else:
                cached = None
            try:
                return self._attempt(method, url, body, h, expect, key, cached, last=attempt >= self.p.retries)
            except _Retry as exc:
                if exc.reason == "quota":
                    quota_hits += 1
                    self.stats.quota_waits += 1
                    if quota_hits > self.p.quota_retries:
                        raise FetchError(url, f"over quota {quota_hits} times in a row; giving up for now")
                    self.log(f"over quota; waiting {self.p.quota_wait:g}s")
                    self.sleep(self.p.quota_wait)
                    continue
                attempt += 1
                if attempt > self.p.retries:
                    raise FetchError(url, f"{exc.reason} (gave up after {attempt} attempts)")
                wait = exc.wait if exc.wait is not None else self._backoff(attempt)
                self.stats.retries += 1
                self.log(f"{exc.reason}; retry {attempt}/{self.p.retries} in {wait:.2g}s: {url}")
                self.sleep(wait)

    def _backoff(self, attempt: int) -> float:
        base = min(self.p.backoff_max, self.p.backoff * 2 ** (attempt - 1))
        return base * (0.75 + random.random() / 2)

    def _attempt(self, method, url, body, headers, expect, key, cached, last) -> Fetched:
        self.limiter.wait()
        self.stats.requests += 1
        fetched_at = now_iso()
        try:
            r = self.session.request(method, url, data=body, headers=headers, timeout=self.p.timeout,
                                     allow_redirects=True)
            content = r.content  # urllib3 2 enforces Content-Length: a cut connection raises here
        except requests.TooManyRedirects:
            raise FetchError(url, "redirect loop (too many redirects)")
        except requests.exceptions.SSLError as exc:
            raise FetchError(url, f"TLS certificate check failed ({exc.__class__.__name__}); if the site omits its "
                                  "intermediate certificate (www.gov.kg does), add it to a CA bundle and set "
                                  "REQUESTS_CA_BUNDLE")
        except requests.Timeout:
            raise _Retry(f"timed out after {self.p.timeout:g}s")
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            raise _Retry(f"connection failed or body cut short ({exc.__class__.__name__})")
        hdrs = dict(r.headers)
        status = r.status_code
        if status == 304 and cached:
            content = self.raw.get(cached["sha256"])
            self.stats.not_modified += 1
            self.raw.record(source=self.source, method=method, url=url, request_body=body, status=304, headers=hdrs,
                            digest=cached["sha256"], size=len(content), fetched_at=fetched_at, not_modified=True)
            got = Fetched(r.url, 200, hdrs, content, cached["sha256"], not_modified=True)
            got.data = self._check(got, expect, last=True)
            if self.recorder:
                self.recorder.record(method, url, body, 200, {**hdrs, "Content-Type": cached_ctype(hdrs, expect)}, content)
            return got
        if status in (429, 503):
            wait = retry_after_seconds(r.headers.get("Retry-After"))
            if wait is not None:
                wait = min(wait, self.p.retry_after_max)
            raise _Retry(f"HTTP {status}", wait)
        if status >= 500 or status == 408:
            raise _Retry(f"HTTP {status}")
        if status == 200 and self._quota and len(content) < 2048 and self._quota.search(content) and not content.lstrip()[:1] in (b"{", b"["):
            raise _Retry("quota")  # never stored: it is not the resource
        self.stats.bytes += len(content)
        digest = self.raw.put(content)
        self.raw.record(source=self.source, method=method, url=url, request_body=body, status=status, headers=hdrs,
                        digest=digest, size=len(content), fetched_at=fetched_at, not_modified=False)
        if status >= 400:
            reason = {403: "HTTP 403 forbidden (WAF or blocked IP?)", 404: "HTTP 404 not found"}.get(status, f"HTTP {status}")
            if self.recorder and status == 404:
                self.recorder.record(method, url, body, status, hdrs, content)
            raise FetchError(url, reason, status=status)
        got = Fetched(r.url, status, hdrs, content, digest)
        got.data = self._check(got, expect, last)
        if method == "GET":
            self.raw.remember(key, url, hdrs, digest, fetched_at)
        if self.recorder:
            self.recorder.record(method, url, body, status, hdrs, content)
        return got

    def _check(self, got: Fetched, expect: str, last: bool):
        """Refuse bodies that are visibly incomplete or of the wrong kind (retried like a network error)."""
        body = got.body
        if expect == "json":
            try:
                return json.loads(body.decode("utf-8-sig"))  # JSON is UTF-8 whatever the header says (RFC 8259)
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise _Retry("response is not complete JSON (truncated or an error page)")
        if expect == "docx":
            try:
                with zipfile.ZipFile(io.BytesIO(body)) as zf:
                    if "word/document.xml" not in zf.namelist() or zf.testzip() is not None:
                        raise zipfile.BadZipFile("damaged member")
            except zipfile.BadZipFile:
                raise _Retry("DOCX is not a complete ZIP archive (truncated download?)")
        elif expect == "pdf":
            if not body.lstrip().startswith(b"%PDF") or b"%%EOF" not in body[-2048:]:
                raise _Retry("PDF is incomplete (no %%EOF at the end)")
        elif expect == "html":
            head = body[:4096].lower()
            if not body.strip():
                raise _Retry("empty HTML page")
            # an HTML page that opened <html> but never closed it was probably cut short; real pages that never
            # close it are accepted on the last attempt rather than lost
            if b"<html" in head and b"</html" not in body[-4096:].lower() and not last:
                raise _Retry("HTML page has no closing </html> (truncated?)")
        return None


def is_made_up(got: Fetched) -> bool:
    """The replay server marks responses of made-up fixtures; their documents are stored as made_up."""
    from .replay import MADE_UP_HEADER

    return got.headers.get(MADE_UP_HEADER) == "1"


def cached_ctype(headers: dict, expect: str) -> str:
    return headers.get("Content-Type") or {"json": "application/json", "html": "text/html", "pdf": "application/pdf",
                                           "docx": _DOCX}.get(expect, "application/octet-stream")


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---------------------------------------------------------------------------------------------------------
# Dates

_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[.,/-]\s*(\d{1,2})\s*[.,/-]\s*(\d{4})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})")


def parse_date(text: str | None) -> str:
    """ISO date from the forms the sources use («2026-09-14T00:00:00», «14.11.2025 № 257», «20/06/2005»,
    «21,06,2018», «02 .12.2024», «14-09-2026»); '' when unknown (the API's «0001-01-01» means unknown)."""
    if not text:
        return ""
    m = _ISO_DATE.search(text)
    if m:
        y, mo, d = map(int, m.groups())
    else:
        m = _NUMERIC_DATE.search(text)
        if not m:
            return ""
        d, mo, y = map(int, m.groups())
    if y < 1900 or not (1 <= mo <= 12 and 1 <= d <= 31):
        return ""
    try:
        return datetime(y, mo, d).date().isoformat()
    except ValueError:
        return ""


# ---------------------------------------------------------------------------------------------------------
# Sources


@dataclass
class RunReport:
    source: str
    listed: int = 0        # items seen in listings
    fetched: int = 0       # items whose content was downloaded in this run
    skipped: int = 0       # items already collected earlier (nothing new)
    new: int = 0
    new_version: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)   # (key, url, reason)
    interrupted: bool = False

    def summary(self) -> str:
        return (f"{self.source}: {self.listed} listed, {self.fetched} fetched, {self.new} new, "
                f"{self.new_version} new versions, {self.unchanged} unchanged, {self.skipped} already collected, "
                f"{self.failed} failed")


class Source:
    """One site. Subclasses set ``name``, ``default_base_url``, ``hosts`` and implement :meth:`collect`."""

    name = "?"
    default_base_url = ""
    hosts: tuple[str, ...] = ()
    politeness = Politeness()
    headers: dict = {}
    kind = "act"

    def __init__(self, db, *, base_url: str | None = None, raw_dir: str | Path | None = None,
                 record_dir: str | Path | None = None, politeness: Politeness | None = None,
                 progress: Callable[[str], None] | None = None, robots: bool = True,
                 sleep: Callable[[float], None] = time.sleep):
        self.db = db
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        raw_dir = Path(raw_dir) if raw_dir else default_raw_dir(db)
        self.raw = RawStore(raw_dir, db)
        self.recorder = Recorder(record_dir, self.name, self.default_base_url) if record_dir else None
        self.progress = progress or (lambda m: None)
        self.http = Http(source=self.name, politeness=politeness or self.politeness, raw=self.raw,
                         recorder=self.recorder, headers=self.site_headers(), robots=robots, sleep=sleep,
                         log=lambda m: self.progress(f"[{self.name}] {m}"))
        self.report = RunReport(self.name)

    def site_headers(self) -> dict:
        return dict(self.headers)

    # -- URLs ---------------------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/")) if not path.startswith("http") else self.rebase(path)

    def rebase(self, url: str) -> str:
        """Point an absolute link of the live site at ``--base-url`` (a mirror or the replay server)."""
        parts = urlsplit(url)
        live = urlsplit(self.default_base_url)
        if parts.netloc and (parts.netloc == live.netloc or parts.netloc in self.hosts):
            base = urlsplit(self.base_url)
            return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
        return url

    def public_url(self, url: str) -> str:
        """The live-site form of a URL we fetched (what is stored in documents.url)."""
        parts = urlsplit(url)
        live = urlsplit(self.default_base_url)
        base = urlsplit(self.base_url)
        if parts.netloc == base.netloc:
            return urlunsplit((live.scheme, live.netloc, parts.path, parts.query, ""))
        return url

    # -- state --------------------------------------------------------------------------------------------

    def item(self, key: str) -> dict | None:
        rows = list(self.db["scrape_items"].rows_where("id = ?", [f"{self.name}:{key}"]))
        return rows[0] if rows else None

    def done(self, key: str, tag: str | None = None) -> bool:
        row = self.item(key)
        return bool(row) and (tag is None or row.get("version_tag") == tag)

    def mark(self, key: str, **fields) -> None:
        fields = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v) for k, v in fields.items()}
        self.db["scrape_items"].upsert({"id": f"{self.name}:{key}", "source": self.name, "key": key,
                                        "updated_at": now_iso(), **fields}, pk="id", alter=False)
        self._resolve(key)

    def fail(self, key: str, url: str, reason: str) -> None:
        self.report.failed += 1
        self.report.errors.append((key, url, reason))
        eid = sha256(f"{self.name}:{key}".encode())[:16]
        t = self.db["scrape_errors"]
        old = list(t.rows_where("id = ?", [eid]))
        attempts = (old[0]["attempts"] or 0) + 1 if old and not old[0]["resolved_at"] else 1
        first = old[0]["first_at"] if old and not old[0]["resolved_at"] else now_iso()
        t.upsert({"id": eid, "source": self.name, "key": key, "url": url, "reason": reason, "attempts": attempts,
                  "first_at": first, "last_at": now_iso(), "resolved_at": None}, pk="id")
        self.progress(f"[{self.name}] failed {key}: {reason}")

    def _resolve(self, key: str) -> None:
        eid = sha256(f"{self.name}:{key}".encode())[:16]
        if self.db["scrape_errors"].count_where("id = ? and resolved_at is null", [eid]):
            self.db["scrape_errors"].update(eid, {"resolved_at": now_iso()})

    # -- ingestion ----------------------------------------------------------------------------------------

    def ingest(self, data: bytes, name: str, *, key: str, url: str, path: str, language: str | None = None,
               kind: str | None = None, meta: dict | None = None, pair_key: str = "", act_key: str = "",
               made_up: bool = False, item: dict | None = None) -> tuple[str, str]:
        """Bytes → Document → corpus DB, then mark ``key`` done. Returns (document id, store status).

        ``name`` tells the reader the format (its extension); ``path`` is the stable address of this act in
        this language, so successive contents become versions 1, 2, … of one act (pipeline.store).
        """
        from pipeline.ingest import read_bytes
        from pipeline.store import store_document

        doc = read_bytes(data, name, source=self.name, url=self.public_url(url), kind=kind or self.kind,
                         language=language, made_up=made_up)
        for fld, value in (meta or {}).items():
            if value and hasattr(doc, fld):
                setattr(doc, fld, value)
        doc.path = path
        if act_key:
            doc.act_key = act_key
        doc_id, status = store_document(self.db, doc)
        self.report.fetched += 1
        setattr(self.report, status, getattr(self.report, status) + 1)
        self.mark(key, document_id=doc_id, store_status=status, url=doc.url, language=doc.language,
                  pair_key=pair_key, **(item or {}))
        self.progress(f"[{self.name}] {self.report.fetched} {key} [{doc.language}] {status}: {doc.title[:70]}")
        return doc_id, status

    def link_languages(self, pair_key: str) -> int:
        """Link the Russian and Kyrgyz documents of one text (same ``pair_key``: for the CBD the same
        documentCode and edition id) in act_links, every edition, not only the current one."""
        rows = list(self.db.query(
            "select i.document_id, i.language from scrape_items i where i.source = ? and i.pair_key = ? "
            "and i.document_id is not null", [self.name, pair_key]))
        ru = {r["document_id"] for r in rows if r["language"] == "ru"}
        ky = {r["document_id"] for r in rows if r["language"] == "ky"}
        nums = lambda d: {r[0] for r in self.db.execute("select number from articles where document_id = ?", [d])}
        n = 0
        for r_id in ru:
            for k_id in ky:
                ru_nums, ky_nums = nums(r_id), nums(k_id)
                with self.db.conn:
                    self.db["act_links"].upsert({
                        "ru_document_id": r_id, "ky_document_id": k_id, "link_key": f"{self.name}:{pair_key}",
                        "articles_ru": len(ru_nums), "articles_ky": len(ky_nums),
                        "articles_aligned": len(ru_nums & ky_nums)}, pk=("ru_document_id", "ky_document_id"))
                n += 1
        return n

    # -- the run ------------------------------------------------------------------------------------------

    def run(self, *, since: str | None = None, limit: int | None = None, **options) -> RunReport:
        run_id = f"{self.name}-{now_iso()}-{os.getpid()}-{time.monotonic_ns() % 10**9}"
        self.db["scrape_runs"].insert({"id": run_id, "source": self.name, "base_url": self.base_url,
                                       "started_at": now_iso(), "status": "running",
                                       "options": json.dumps({"since": since, "limit": limit, **options}, default=str)})
        status = "completed"
        try:
            self.collect(since=since, limit=limit, **options)
        except KeyboardInterrupt:
            status = "interrupted"
            self.report.interrupted = True
            raise
        except BaseException:
            status = "crashed"
            raise
        finally:
            self.db["scrape_runs"].update(run_id, {"finished_at": now_iso(), "status": status,
                                                   "report": json.dumps({**self.report.__dict__, **self.http.stats.as_dict()},
                                                                        ensure_ascii=False, default=str)})
        return self.report

    def collect(self, *, since: str | None, limit: int | None, **options) -> None:
        raise NotImplementedError

    def walk_pages(self, urls, parse: Callable[["Fetched"], list], is_done: Callable[[object], bool],
                   is_old: Callable[[object], bool] = lambda row: False, listing_key: str = "listing"):
        """Rows of a newest-first paged listing, page by page (each page fetched conditionally).

        Stops at an empty page, at a page whose rows are all older than ``--since`` (``is_old``), or — once an
        earlier walk has reached the end — at a page whose rows are all collected already. The walk is
        recorded as complete only when it really reached the end, so a run stopped midway walks everything
        again next time instead of stopping at the first page it had already done.
        """
        complete_before = self.done(listing_key, "complete")
        reached_end = True
        for url in urls:
            try:
                got = self.http.get(url, expect="html")
            except TarazaError as exc:
                self.fail(f"{listing_key}:{url}", url, exc.reason)
                return
            rows = parse(got)
            if not rows:
                break
            yield from (r for r in rows if not is_old(r))
            if all(is_old(r) for r in rows):
                reached_end = False  # older pages were not looked at: not a complete walk
                break
            if complete_before and all(is_done(r) for r in rows):
                break
        if reached_end:
            self.mark(listing_key, kind="listing", version_tag="complete")

    def new_rows(self, rows, is_done: Callable[[object], bool], limit: int | None):
        """The listed rows still to collect, counting listed and skipped ones and stopping at ``--limit``."""
        taken = 0
        for row in rows:
            self.report.listed += 1
            if is_done(row):
                self.report.skipped += 1
                continue
            if limit and taken >= limit:
                return
            taken += 1
            yield row

    def guarded(self, key: str, url: str, fn: Callable[[], object]):
        """Run one item's work; a fetch/parse failure is reported for this item and the run goes on."""
        try:
            return fn()
        except RobotsDisallowed as exc:
            self.mark(key, store_status="robots_disallowed", url=exc.path)
            self.progress(f"[{self.name}] skipped {key}: {exc.path} is disallowed by robots.txt")
            return True
        except TarazaError as exc:
            self.fail(key, getattr(exc, "path", url) or url, exc.reason)
        return None


def default_raw_dir(db) -> Path:
    """Raw snapshots live beside the corpus DB (``data/raw`` for ``data/taraza.db``; git-ignored)."""
    env = os.environ.get("TARAZA_RAW")
    if env:
        return Path(env)
    try:
        rows = db.execute("PRAGMA database_list").fetchall()
        path = next((r[2] for r in rows if r[1] == "main" and r[2]), "")
    except Exception:
        path = ""
    return (Path(path).parent if path else Path("data")) / "raw"


def load_site_config(name: str) -> dict:
    path = Path(__file__).parent / "sites" / f"{name}.yml"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise TarazaError(path, f"cannot read the site configuration: {exc}")
