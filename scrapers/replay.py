"""A local replay server for the scrapers: saved responses on 127.0.0.1, with faults on demand.

Fixture folders (``tests/fixtures/scrapers/<source>/``) come in two shapes:

* ``responses.yml`` — one entry per request (method, path with query, optional request body, status,
  content type, body file). ``taraza scrape SOURCE --record DIR`` writes exactly this, so a capture from the
  live site replaces a made-up fixture without code changes. A body may also be ``shared: <path>`` — a real
  file under ``../shared`` read at test time, so third-party texts are referenced, never copied — or
  ``docx_text: <path>``: a made-up Word attachment built at load time from a text file (``docx_from_text``),
  so no binary document is committed.
* ``manifest.yml`` with ``builder: minjust`` — the Ministry of Justice API (GetDocuments, GetDocument,
  GetEdition, GetFile) answered from a description of acts and editions whose contents are real CBD
  fragments and DOCX files in ``../shared/corpus-samples``, with the API's documented quirks.

Faults (``server.fault(match, kinds, repeat=False)``): ``timeout`` (answer after ``slow_seconds``), ``500``,
``503``, ``429`` (``Retry-After``), ``quota`` (the CBD's HTTP 200 over-quota text), ``truncate`` (connection
cut before Content-Length bytes), ``truncate-body`` (half the body with an honest length), ``encoding``
(HTML re-encoded as windows-1251 while the header says UTF-8; JSON labelled windows-1251 while UTF-8),
``redirect-loop``, ``404``. ``quota=(n, seconds)`` makes the server enforce a request window itself.

Run by hand: ``python -m scrapers.replay tests/fixtures/scrapers/minjust --port 8765`` then
``taraza scrape minjust --base-url http://127.0.0.1:8765``.
"""
from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
QUOTA_TEXT = b"API calls quota exceeded! maximum admitted 20 per 5s."
MADE_UP_HEADER = "X-Taraza-Made-Up"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def request_key(method: str, path: str, body: bytes | None) -> tuple:
    """What makes two requests "the same": method, path, sorted query, and the JSON body (key order ignored)."""
    parts = urlsplit(path)
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    canon = b""
    if body:
        try:
            canon = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=True).encode()
        except (ValueError, UnicodeDecodeError):
            canon = body
    return (method.upper(), parts.path, query, canon)


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)


def docx_from_text(text: str) -> bytes:
    """A Word document (python-docx) of a made-up text: each line a paragraph, a run of lines with « | » one
    table (a report form). The bytes are the same on every call (fixed document and archive dates), so a
    replayed attachment does not look changed to a scraper's second run."""
    import io
    import zipfile
    from datetime import datetime

    import docx

    d = docx.Document()
    d.core_properties.created = d.core_properties.modified = datetime(2000, 1, 1)
    rows: list[list[str]] = []

    def flush():
        if rows:
            table = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for i, r in enumerate(rows):
                for j, cell in enumerate(r):
                    table.cell(i, j).text = cell
            rows.clear()

    for line in text.splitlines():
        if " | " in line:
            rows.append(line.split(" | "))
            continue
        flush()
        if line.strip():
            d.add_paragraph(line)
    flush()
    raw, out = io.BytesIO(), io.BytesIO()
    d.save(raw)
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, (2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(fixed, zin.read(info))
    return out.getvalue()


def _read_body(spec: dict, base: Path, shared: Path) -> bytes:
    if "shared" in spec:
        path = shared / spec["shared"]
    elif "body" in spec or "docx_text" in spec:
        path = base / spec.get("body", spec.get("docx_text"))
    else:
        return (spec.get("text") or "").encode("utf-8")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileNotFoundError(f"fixture body {path} is missing ({exc.strerror}); is ../shared beside the checkout?")
    return docx_from_text(data.decode("utf-8")) if "docx_text" in spec else data


class StaticRoutes:
    """Answers from a ``responses.yml`` folder (recorded or hand-written)."""

    def __init__(self, folder: Path, shared: Path = SHARED):
        self.folder = Path(folder)
        spec = yaml.safe_load((self.folder / "responses.yml").read_text(encoding="utf-8")) or {}
        self.meta = {k: v for k, v in spec.items() if k != "responses"}
        self.routes: dict[tuple, Response] = {}
        for e in spec.get("responses") or []:
            body = _read_body(e, self.folder, shared)
            headers = {h: e[h.lower()] for h in ("ETag", "Last-Modified", "Content-Disposition") if e.get(h.lower())}
            if e.get("made_up", self.meta.get("made_up")):
                headers[MADE_UP_HEADER] = "1"  # lets the scraper store fixture documents as made_up
            key = request_key(e.get("method", "GET"), e["path"], (e.get("request_body") or "").encode() or None)
            self.routes[key] = Response(int(e.get("status", 200)), body, e.get("content_type", "text/html; charset=utf-8"), headers)

    def __call__(self, method: str, path: str, body: bytes | None) -> Response | None:
        return self.routes.get(request_key(method, path, body))


# ---------------------------------------------------------------------------------------------------------
# The Ministry of Justice API, built from a manifest over real fragments


class MinjustApi:
    """GetDocuments / GetDocument / GetEdition / GetFile from ``manifest.yml`` (see its README).

    Quirks reproduced: the Kyrgyz text arrives in ``contentRu`` (``contentKg`` is null); GetEdition echoes the
    newest edition's id and name whatever was asked; ``<meta charset=windows-1251>`` inside the UTF-8 JSON;
    Kyrgyz letters as numeric entities when the manifest asks; GetDocuments returns at most
    ``max_rows_per_page`` rows whatever ``pageSize`` is; GetDocument answers with the numeric code;
    ``status`` is a string in the listing and an object in the card.
    """

    def __init__(self, folder: Path, shared: Path = SHARED):
        self.folder = Path(folder)
        self.shared = Path(shared)
        spec = yaml.safe_load((self.folder / "manifest.yml").read_text(encoding="utf-8"))
        self.samples = self.shared / spec.get("samples", "corpus-samples")
        self.max_rows = int(spec.get("max_rows_per_page", 12))
        self.documents: list[dict] = spec["documents"]
        self.robots = spec.get("robots_txt")

    def _doc(self, code: str) -> dict | None:
        for d in self.documents:
            if code in (str(d["documentCode"]), str(d.get("numericCode"))):
                return d
        return None

    def _edition(self, edition_id: str) -> tuple[dict, dict] | tuple[None, None]:
        for d in self.documents:
            for e in d["editions"]:
                if str(e["id"]) == str(edition_id):
                    return d, e
        return None, None

    def content(self, edition: dict, lang: str) -> str | None:
        parts = (edition.get("content") or {}).get(lang)
        if not parts:
            return None
        inner = []
        for rel in parts:
            raw = (self.samples / rel).read_text(encoding="utf-8")
            m = re.search(r"<div class=WordSection1>(.*)</div>", raw, re.S)
            part = m.group(1) if m else raw
            # some fragments were cut mid-tag when they were trimmed; the API never sends half a tag
            part = re.sub(r"^[^<]*?>", "", part, count=1) if re.match(r"^[^<]*>", part) else part
            inner.append(re.sub(r"<[^>]*$", "", part))
        text = ("<html><head><meta charset=windows-1251></head><body lang=RU><div class=WordSection1>"
                + "\n".join(inner) + "</div></body></html>")
        if lang == "kg" and edition.get("entities"):
            text = "".join(f"&#{ord(c)};" if c in "ңөүҢӨҮ" else c for c in text)
        return text

    def __call__(self, method: str, path: str, body: bytes | None) -> Response | None:
        parts = urlsplit(path)
        q = {k.lower(): v for k, v in parse_qsl(parts.query)}
        name = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if parts.path == "/robots.txt":
            return Response(200, self.robots.encode(), "text/plain") if self.robots else Response(404, b"", "text/plain")
        if not parts.path.startswith("/api/v1/"):
            return None
        if name == "GetDocuments" and method == "POST":
            return self._list(q, json.loads(body or b"{}"))
        if name == "GetDocument":
            d = self._doc(q.get("documentcode", ""))
            return self._json(self._card(d)) if d else Response(404, b"", "text/plain")
        if name == "GetEdition":
            d, e = self._edition(q.get("editionid", ""))
            if not d:
                return Response(404, b"", "text/plain")
            newest = d["editions"][-1]
            lang = q.get("lang", "ru")
            return self._json({"id": newest["id"], "nameRus": newest["nameRus"], "nameKyr": newest.get("nameKyr", newest["nameRus"]),
                               "contentRu": self.content(e, lang), "contentKg": None,
                               "dateOfFutureEntry": e.get("dateOfFutureEntry")})
        if name == "GetFile":
            d, e = self._edition(q.get("refid", ""))
            rel = ((e or {}).get("file") or {}).get(q.get("lang", "ru"))
            if not rel:
                return Response(404, b"", "text/plain")
            return Response(200, (self.samples / rel).read_bytes(), DOCX_TYPE,
                            {"Content-Disposition": f'attachment; filename="{e["id"]}.docx"'})
        return Response(404, b"", "text/plain")

    @staticmethod
    def _json(obj) -> Response:
        return Response(200, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _row(self, d: dict) -> dict:
        return {"documentCode": d["documentCode"], "nameRu": d["nameRu"], "nameKg": d.get("nameKg"),
                "status": d["status"]["nameRus"], "dateAdopted": d["dateAdopted"],
                "datePublication": d.get("datePublication", "0001-01-01T00:00:00"), "vid": d["vid"],
                "organ": d["organ"], "order": d.get("order", 0), "lastEdition": d["editions"][-1]["id"]}

    def _card(self, d: dict) -> dict:
        return {"documentCode": str(d.get("numericCode", d["documentCode"])), "number": d.get("number"),
                "nameRus": d["nameRu"], "nameKyr": d.get("nameKg"), "dateAdopted": d["dateAdopted"],
                "dateOfEntry": d.get("dateOfEntry", d["dateAdopted"]), "refTypeId": d["refTypeId"],
                "status": d["status"], "documentReferences": d.get("documentReferences", []),
                "editions": [{"id": e["id"], "editionCode": e["editionCode"], "nameRus": e["nameRus"],
                              "nameKyr": e.get("nameKyr", e["nameRus"]), "textRusType": ".docx",
                              "textKyrType": e.get("textKyrType", ".docx")} for e in d["editions"]]}

    def _list(self, q: dict, flt: dict) -> Response:
        rows = [d for d in self.documents
                if (not flt.get("dateAdoptedFrom") or d["dateAdopted"][:10] >= flt["dateAdoptedFrom"])
                and (not flt.get("dateAdoptedTo") or d["dateAdopted"][:10] <= flt["dateAdoptedTo"])
                and (not flt.get("refTypeId") or d["refTypeId"]["code"] == flt["refTypeId"])]
        rows.sort(key=lambda d: (d["dateAdopted"], d["documentCode"]), reverse=True)
        page, size = int(q.get("pagenumber", 1)), int(q.get("pagesize", 50))
        chunk = rows[(page - 1) * size:(page - 1) * size + min(size, self.max_rows)]
        return self._json({"totalResultsCount": len(self.documents), "filteredResultsCount": len(rows),
                           "recordsTotal": len(self.documents), "recordsFiltered": len(rows),
                           "data": [self._row(d) for d in chunk]})


def load_fixtures(folder: str | Path, shared: Path = SHARED):
    folder = Path(folder)
    if (folder / "manifest.yml").exists():
        spec = yaml.safe_load((folder / "manifest.yml").read_text(encoding="utf-8"))
        if spec.get("builder") == "minjust":
            return MinjustApi(folder, shared)
    if (folder / "responses.yml").exists():
        return StaticRoutes(folder, shared)
    raise FileNotFoundError(f"{folder}: no responses.yml or manifest.yml")


# ---------------------------------------------------------------------------------------------------------
# The server


class ReplayServer:
    """Serve fixture folders on 127.0.0.1 (a free port) in a thread; use as a context manager."""

    def __init__(self, *folders, shared: Path = SHARED, slow_seconds: float = 1.0, retry_after: str = "1",
                 quota: tuple[int, float] | None = None, etags: bool = True, port: int = 0, latency: float = 0.0):
        self.port = port
        self.latency = latency  # seconds added to every answer (to stop a run midway in the kill test)
        self.handlers = [load_fixtures(f, shared) if not callable(f) else f for f in folders]
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.quota = quota
        self.etags = etags
        self.faults: list[dict] = []
        self.log: list[dict] = []
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None

    # -- control ------------------------------------------------------------------------------------------

    def fault(self, match: str, kinds, repeat: bool = False) -> None:
        """Requests whose "METHOD path?query" contains ``match`` get the ``kinds`` in turn (forever if repeat)."""
        self.faults.append({"match": match, "kinds": deque([kinds] if isinstance(kinds, str) else kinds), "repeat": repeat})

    def clear_faults(self) -> None:
        self.faults.clear()

    def requests(self, contains: str = "") -> list[dict]:
        return [r for r in self.log if contains in r["target"]]

    def _take_fault(self, target: str) -> str | None:
        with self._lock:
            for f in self.faults:
                if f["kinds"] and f["match"] in target:
                    return f["kinds"][0] if f["repeat"] else f["kinds"].popleft()
        return None

    def _over_quota(self) -> bool:
        if not self.quota:
            return False
        n, per = self.quota
        with self._lock:
            now = time.monotonic()
            while self._stamps and now - self._stamps[0] >= per:
                self._stamps.popleft()
            if len(self._stamps) >= n:
                return True
            self._stamps.append(now)
            return False

    def answer(self, method: str, target: str, body: bytes | None) -> Response:
        if target.startswith("/__loop__/"):
            other = "/__loop__/b" if target.startswith("/__loop__/a") else "/__loop__/a"
            return Response(302, b"", "text/plain", {"Location": other})
        for h in self.handlers:
            got = h(method, target, body)
            if got is not None:
                return got
        return Response(404, b"not found", "text/plain")

    # -- lifecycle ----------------------------------------------------------------------------------------

    def start(self) -> str:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # keep test output clean
                pass

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def _serve(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                target = self.path
                entry = {"method": method, "target": f"{method} {target}", "path": target, "body": body,
                         "headers": dict(self.headers)}
                fault = None if target == "/robots.txt" else server._take_fault(f"{method} {target}")
                if fault is None and target != "/robots.txt" and server._over_quota():
                    fault = "quota"
                entry["fault"] = fault
                server.log.append(entry)
                try:
                    self._respond(method, target, body, fault, entry)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, status, body, ctype, headers=None, length=None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

            def _respond(self, method, target, body, fault, entry):
                if server.latency:
                    time.sleep(server.latency)
                if fault == "timeout":
                    time.sleep(server.slow_seconds)
                    fault = None
                if fault in ("500", "503"):
                    h = {"Retry-After": server.retry_after} if fault == "503" else {}
                    return self._send(int(fault), b"<html><body>Server error</body></html>", "text/html", h)
                if fault == "429":
                    return self._send(429, b"Too Many Requests", "text/plain", {"Retry-After": server.retry_after})
                if fault == "quota":
                    return self._send(200, QUOTA_TEXT, "text/plain; charset=utf-8")
                if fault == "404":
                    return self._send(404, b"not found", "text/plain")
                if fault == "redirect-loop":
                    return self._send(302, b"", "text/plain", {"Location": "/__loop__/a"})
                resp = server.answer(method, target, body)
                entry["status"] = resp.status
                headers = dict(resp.headers)
                payload, ctype = resp.body, resp.content_type
                if fault == "encoding":
                    if "json" in ctype:
                        ctype = "application/json; charset=windows-1251"
                    elif "html" in ctype:
                        payload = payload.decode("utf-8").encode("cp1251", "xmlcharrefreplace")
                        ctype = "text/html; charset=utf-8"
                if resp.status == 200 and server.etags and fault is None:
                    etag = '"' + hashlib.sha1(payload).hexdigest()[:16] + '"'
                    headers["ETag"] = etag
                    if self.headers.get("If-None-Match") == etag:
                        entry["status"] = 304
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                if fault == "truncate":
                    self._send(resp.status, payload[: len(payload) // 2], ctype, headers, length=len(payload))
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault == "truncate-body":
                    payload = payload[: len(payload) // 2]
                self._send(resp.status, payload, ctype, headers)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def main(argv=None):
    import argparse

    ap = argparse.ArgumentParser(description="Serve scraper fixtures on 127.0.0.1 for manual runs.")
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args(argv)
    srv = ReplayServer(*args.folders, port=args.port)
    print(f"serving {', '.join(args.folders)} on {srv.start()} (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()


if __name__ == "__main__":
    main()
