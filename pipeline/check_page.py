"""The draft check page for agencies: a Datasette plugin that only ``taraza serve --local`` registers.

An agency lawyer opens http://127.0.0.1:8001/-/check, uploads a DOCX, PDF or TXT draft and gets the analyzer's
expert report (the same as ``taraza check``) in the browser, with downloads of the annotated DOCX (a Word
comment on every flagged clause) and of the report as JSON. Nothing goes into the database: the upload
is analysed in a temporary directory deleted straight after, and the downloads are kept in memory for an
hour (at most 32 of them).

Two locks keep it off public servers: the module is registered only by ``make_datasette(local=True)``,
and its routes exist only when that instance's configuration says ``taraza-check: {enabled: true}``.
Requests whose Host is not the local machine are refused as well (a page on another site cannot reach
it through DNS rebinding). Datasette's CSRF middleware cannot read multipart forms with the installed
python-multipart (asgi-csrf passes an argument it no longer takes), so this route skips it and checks
instead that a POST comes from a page of this same site (Origin, else Referer), as OWASP recommends.
"""
from __future__ import annotations

import json
import re
import secrets
import tempfile
import time
from collections import OrderedDict
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path, PurePath

from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils.asgi import Response

from .document import TarazaError

MAX_BYTES = 15 * 1024 * 1024
ALLOWED = {".docx", ".pdf", ".txt"}  # as `taraza check` (a DOCX gets the annotated copy)
KEEP_RESULTS = 32
KEEP_SECONDS = 3600
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

_results: OrderedDict[str, dict] = OrderedDict()


class UploadError(Exception):
    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(message)


def register() -> None:
    import sys

    module = sys.modules[__name__]
    if not pm.is_registered(module):
        pm.register(module, name="taraza-check")


def _enabled(datasette) -> bool:
    return bool((datasette.plugin_config("taraza-check") or {}).get("enabled"))


@hookimpl
def register_routes(datasette):
    if not _enabled(datasette):
        return []
    return [
        (r"^/-/check$", check_view),
        (r"^/-/check/(?P<token>[A-Za-z0-9_-]+)/(?P<what>docx|json|html)$", download_view),
    ]


@hookimpl
def menu_links(datasette):
    if _enabled(datasette):
        return [{"href": datasette.urls.path("/-/check"), "label": "Проверка проекта / Долбоорду текшерүү"}]
    return []


@hookimpl
def skip_csrf(datasette, scope):
    return _enabled(datasette) and scope.get("path") == "/-/check"


def _same_origin(request) -> bool:
    from urllib.parse import urlsplit

    source = request.headers.get("origin") or request.headers.get("referer") or ""
    return bool(source) and urlsplit(source).netloc == request.host


def _is_local(request) -> bool:
    from urllib.parse import urlsplit

    return urlsplit("//" + request.host).hostname in LOCAL_HOSTS


async def _read_body(request, limit: int) -> bytes:
    """The request body, refused as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise UploadError(413, _too_big(int(declared)))
    chunks, size = [], 0
    while True:
        message = await request.receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit + 64 * 1024:
            raise UploadError(413, _too_big(size))
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _too_big(size: int) -> str:
    return (f"Файл слишком большой ({size / 1e6:.1f} МБ); предел — {MAX_BYTES // (1024 * 1024)} МБ. "
            f"Файл өтө чоң; чеги — {MAX_BYTES // (1024 * 1024)} МБ.")


def _uploaded_file(content_type: str, body: bytes) -> tuple[str, bytes]:
    if not content_type.startswith("multipart/form-data"):
        raise UploadError(400, "Отправьте файл через форму / Файлды форма аркылуу жөнөтүңүз.")
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1")
                                                   + b"\r\n\r\n" + body)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "draft" and part.get_filename():
            # Only the file's own name (browsers on Windows may send a full path), and not an endless one.
            name = re.split(r"[\\/]", part.get_filename())[-1]
            if len(name) > 120:
                name = name[:100] + "…" + PurePath(name).suffix
            return name, part.get_payload(decode=True) or b""
    raise UploadError(400, "Файл не выбран / Файл тандалган жок.")


def input_error_words(reason: str) -> str:
    """A reader's technical reason (English) → what it means in Russian / Kyrgyz, the reason in brackets
    (rules/input_errors.yml), for a page shown in those languages."""
    from rules import load_yaml

    spec = load_yaml("input_errors.yml")
    words = next((m for m in spec["messages"] if re.search(m["reason"], reason, re.IGNORECASE)),
                 spec["default"])
    return f"{words['ru']} / {words['ky']} ({reason})"


def analyze_upload(name: str, data: bytes) -> dict:
    """Run the analyzer on one uploaded draft; returns the report in the forms the page offers."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED:
        raise UploadError(400, f"«{name}»: нужен файл DOCX, PDF или TXT / DOCX, PDF же TXT файлы керек.")
    if not data:
        raise UploadError(400, f"«{name}»: файл пустой / файл бош.")
    if len(data) > MAX_BYTES:
        raise UploadError(413, _too_big(len(data)))
    from .analyze_cli import analyze_file, render_html, write_docx_comments

    with tempfile.TemporaryDirectory(prefix="taraza-check-") as tmp:
        # The file keeps its name: the analyzer reads the language hint («.ky.docx») from it.
        src = Path(tmp) / name
        src.write_bytes(data)
        try:
            report = analyze_file(src)
            report["file"] = name
            annotated = None
            if suffix == ".docx":
                out = Path(tmp) / "annotated.docx"
                write_docx_comments(src, report, out)
                annotated = out.read_bytes()
        except TarazaError as exc:
            raise UploadError(422, f"«{name}»: {input_error_words(exc.reason)}") from None
        except Exception as exc:  # an analyzer bug: say so on the page, do not lose the server
            raise UploadError(500, f"«{name}»: анализ не удался / талдоо ишке ашкан жок "
                                   f"({type(exc).__name__}: {exc})") from exc
    n_flags, n_findings = len(report["flags"]), len(report["findings"])
    if report["language"] == "ky":
        summary = (f"Пункттар: {report['clauses']}; факторлору бар: {report['flagged_clauses']}; "
                   f"белгилер: {n_flags}; документ деңгээлиндеги табылгалар: {n_findings}.")
    else:
        summary = (f"Пунктов: {report['clauses']}; с факторами: {report['flagged_clauses']}; "
                   f"флагов: {n_flags}; находок уровня документа: {n_findings}.")
    return {"file_name": name, "summary": summary, "html": render_html(report), "json": report, "docx": annotated}


def _remember(result: dict) -> str:
    now = time.time()
    for token in [t for t, r in _results.items() if now - r["at"] > KEEP_SECONDS]:
        del _results[token]
    while len(_results) >= KEEP_RESULTS:
        _results.popitem(last=False)
    token = secrets.token_urlsafe(16)
    _results[token] = {**result, "at": now}
    return token


async def check_view(request, datasette):
    if not _is_local(request):
        return Response.text("The check page is only served to the local machine.", status=403)
    context = {"max_mb": MAX_BYTES // (1024 * 1024), "error": None, "result": None, "token": None}
    status = 200
    if request.method == "POST" and not _same_origin(request):
        return Response.text("Upload from this site's own page (/-/check).", status=403)
    if request.method == "POST":
        try:
            body = await _read_body(request, MAX_BYTES)
            name, data = _uploaded_file(request.headers.get("content-type", ""), body)
            result = analyze_upload(name, data)
            context["result"] = result
            context["token"] = _remember(result)
            context["file_name"] = name
        except UploadError as exc:
            context["error"] = exc.message
            status = exc.status
    html = await datasette.render_template("check.html", context, request=request)
    return Response.html(html, status=status)


async def download_view(request, datasette):
    if not _is_local(request):
        return Response.text("The check page is only served to the local machine.", status=403)
    token, what = request.url_vars["token"], request.url_vars["what"]
    result = _results.get(token)
    if result is None:
        return Response.text("Результат устарел: загрузите файл снова / Файлды кайра жүктөңүз.", status=404)
    stem = PurePath(result["file_name"]).stem
    if what == "docx":
        if not result.get("docx"):
            return Response.text("Нет аннотированного DOCX для этого файла.", status=404)
        return Response(
            result["docx"],
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            headers={"content-disposition": _attachment(f"{stem}.taraza.docx")},
        )
    if what == "json":
        return Response(json.dumps(result["json"], ensure_ascii=False, indent=1),
                        content_type="application/json; charset=utf-8",
                        headers={"content-disposition": _attachment(f"{stem}.taraza.json")})
    return Response(result["html"], content_type="text/html; charset=utf-8",
                    headers={"content-disposition": _attachment(f"{stem}.taraza.html")})


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"report{PurePath(filename).suffix}\"; filename*=UTF-8''{quote(filename)}"
