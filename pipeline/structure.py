"""Legal structure of Russian and Kyrgyz acts: header, tree and flat clause list.

Works on the normalised text (one paragraph per line). Numbering follows the acts of the Kyrgyz Republic:

* sections  «РАЗДЕЛ I.», «РАЗДЕЛ ПЕРВЫЙ.», «I БӨЛҮМ.», «БИРИНЧИ БӨЛҮМ.», «1-бөлүм»
* chapters  «Глава 3.», «ГЛАВА I.», «3-глава.», «I ГЛАВА.», «1-Глава»
* articles  «Статья 12.», «Статья 21-1.», «12-берене.» (new codes), «12-статья.» (older codes)
* parts «1.», points «1)», subpoints «а)»; dash items «-» and unnumbered paragraphs (абзацы)

Acts without articles (resolutions, regulations) number their points «1.» directly: those become points
(«п. 3»), «1)» and «а)» subpoints. The clause list holds every paragraph of the body that carries a norm:
lead-ins that end in «:» and introduce a list are not clauses themselves but travel with each list item.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Clause, Document, Node, Structure

_NUM = r"\d+(?:-\d+)*"
ROMAN = r"[IVXLC]+"
_ORDINALS_RU = r"ПЕРВЫЙ|ВТОРОЙ|ТРЕТИЙ|ЧЕТВЕРТЫЙ|ПЯТЫЙ|ШЕСТОЙ|СЕДЬМОЙ|ВОСЬМОЙ|ДЕВЯТЫЙ|ДЕСЯТЫЙ"
_ORDINALS_KY = r"БИРИНЧИ|ЭКИНЧИ|ҮЧҮНЧҮ|ТӨРТҮНЧҮ|БЕШИНЧИ|АЛТЫНЧЫ|ЖЕТИНЧИ|СЕГИЗИНЧИ|ТОГУЗУНЧУ|ОНУНЧУ"

# (kind, regex): group "num" is the number as written, group "head" the heading on the same line.
STRUCTURE_PATTERNS = [
    ("section", re.compile(rf"^(?:РАЗДЕЛ|Раздел)\s+(?P<num>{ROMAN}|{_NUM}|{_ORDINALS_RU})\b\.?\s*(?P<head>.*)$")),
    ("section", re.compile(rf"^(?P<num>{ROMAN}|{_ORDINALS_KY})\s+БӨЛҮМ\b\.?\s*(?P<head>.*)$")),
    ("section", re.compile(rf"^(?P<num>{_NUM})-(?:бөлүм|БӨЛҮМ|Бөлүм)\b\.?\s*(?P<head>.*)$")),
    ("chapter", re.compile(rf"^(?:Глава|ГЛАВА)\s+(?P<num>{_NUM}|{ROMAN})\b\.?\s*(?P<head>.*)$")),
    ("chapter", re.compile(rf"^(?P<num>{_NUM})-(?:глава|Глава|ГЛАВА|бап|Бап|БАП)\b\.?\s*(?P<head>.*)$")),
    ("chapter", re.compile(rf"^(?P<num>{ROMAN})\s+(?:ГЛАВА|Глава|глава|БАП)\b\.?\s*(?P<head>.*)$")),
    # An article heading is «Статья N» alone or followed by «.»: «Статья 21 настоящего Кодекса ...» is a mention.
    # A heading without the dot must start with a capital and not end like a sentence («148-берене Сотко ...»).
    ("article", re.compile(rf"^(?:Статья|СТАТЬЯ)\s+(?P<num>{_NUM})(?:\s*$|\s*\.\s*(?P<head>.*)$|\s+(?P<head2>[А-ЯӨҮҢ][^\n]{{0,250}}[^.;:\n])$)")),
    ("article", re.compile(rf"^(?P<num>{_NUM})\s?-\s?(?:берене|статья|Берене|Статья|БЕРЕНЕ)(?P<sup>\d+)?(?:\s*$|\s*\.\s*(?P<head>.*)$|\s+(?P<head2>[А-ЯӨҮҢ][^\n]{{0,250}}[^.;:\n])$)")),
]
PART = re.compile(r"^(?P<num>\d+(?:-\d+)*(?:\.\d+)*)\.\s*(?=\S)(?!\d)")
POINT = re.compile(r"^(?P<num>\d+(?:-\d+)*)\)\s*")
SUBPOINT = re.compile(r"^(?P<num>[а-яөүңa-z])\)\s*")
DASH = re.compile(r"^[-–—•]\s*")
# Editorial history in parentheses: «(В редакции Закона КР от ...)», «(Глава в редакции ...)», «(абзац пятый утратил
# силу ...)», «(КР ... Мыйзамынын редакциясына ылайык)». Not norms, so never clauses.
NOTE = re.compile(r"^\((?:[^()]|\([^()]*\))*\b(?:редакции|ред\.|утратил\w*|исключен\w*|дополнен\w*|редакцияларына|"
                  r"редакциясына|ылайык|Мыйзамы\s+менен|күчүн\s+жоготт\w*)\b(?:[^()]|\([^()]*\))*\)\.?$", re.I)
REPEALED_PARAGRAPH = re.compile(r"^\((?:абзац|абз\.|\d+-абзац)", re.I)
ANNEX = re.compile(r"^(Приложение|ПРИЛОЖЕНИЕ|Тиркеме|ТИРКЕМЕ)(\s*(№\s*)?\d+)?\.?$")
DIVISION = re.compile(r"^(ОБЩАЯ|ОСОБЕННАЯ|ЗАКЛЮЧИТЕЛЬНАЯ)\s+ЧАСТЬ|^(ЖАЛПЫ|ӨЗГӨЧӨ|АТАЙЫН)\s+БӨЛҮК", re.I)

KIND_ABBR = {"article": "ст.", "part": "ч.", "point": "п.", "subpoint": "пп.", "paragraph": "абз.", "item": "абз."}


def match_structure(line: str):
    for kind, rx in STRUCTURE_PATTERNS:
        m = rx.match(line)
        if m:
            groups = m.groupdict()
            num = m.group("num") + (f"-{groups['sup']}" if groups.get("sup") else "")
            return kind, num, (groups.get("head") or groups.get("head2") or "").strip()
    return None


def _is_heading_continuation(line: str) -> bool:
    """A heading written on the paragraph after «Статья 7.»: short, unnumbered, not ending like a sentence."""
    return (
        len(line) < 300
        and not line.endswith((".", ":", ";"))
        and not PART.match(line) and not POINT.match(line) and not SUBPOINT.match(line) and not DASH.match(line)
        and match_structure(line) is None
        and not NOTE.match(line)
    )


@dataclass
class _Line:
    text: str
    start: int
    end: int


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            out.append(_Line(raw, pos, pos + len(raw)))
        pos += len(raw) + 1
    return out


def parse_document(doc: Document) -> Structure:
    return parse_text(doc.text, language=doc.language, display_title=doc.title)


def parse_text(text: str, language: str = "ru", display_title: str = "") -> Structure:
    lines = _lines(text)
    first_body = next((i for i, ln in enumerate(lines) if match_structure(ln.text)), None)
    has_articles = any(match_structure(ln.text) and match_structure(ln.text)[0] == "article" for ln in lines)
    if first_body is None:
        first_body = _first_numbered(lines)
    header_lines = lines[:first_body]
    header = parse_header([ln.text for ln in header_lines], display_title, language)
    builder = _TreeBuilder(has_articles)
    i = first_body
    while i < len(lines):
        ln = lines[i]
        st = match_structure(ln.text)
        if st:
            kind, num, head = st
            consumed = 0
            if not head and i + 1 < len(lines) and _is_heading_continuation(lines[i + 1].text):
                # «Статья 7.» / «Трудовые отношения...» — the heading is the next paragraph
                if kind != "article" or not lines[i + 1].text[:1].islower():
                    head = lines[i + 1].text
                    consumed = 1
            end = lines[i + consumed].end
            builder.open_structure(kind, num, head, ln.start, end)
            i += 1 + consumed
            continue
        builder.add_paragraph(ln)
        i += 1
    tree = builder.finish()
    for art in _articles_of(tree):
        _split_one_line_article(art, text)
    _restore_inserted_article_numbers(tree)
    clauses = _collect_clauses(tree, text)
    return Structure(header=header, tree=tree, clauses=clauses)


# «Статья 7. Уполномоченный орган вправе аннулировать лицензию.»: a short article written on its heading's line.
# Its norm is the heading text when the article has no other body and that text is a sentence: it ends like one
# and is not a heading glued to its first sentence, which PDF extraction produces («Статья 27. Неделимые вещи
# Неделимой признается вещь …»): a capitalised word inside it that a sentence would not capitalise.
_HEADING_THEN_NORM = re.compile(r"^(?P<head>[^.!?]{3,250}?)[.!?]\s+(?P<norm>[А-ЯӨҮҢ«\"][^\n]*[.;!?])$")
_SENTENCE = re.compile(r"^[А-ЯӨҮҢ«\"][^\n]*\s[^\n]*[.;!?]$")
# capitalised words inside a sentence of a legal act («орган Кыргызской Республики», «Кабинетом Министров»), and
# the acts it cites after a preposition or «настоящий» («в соответствии с Законом», «Настоящий Закон»)
_NAME_WORD = re.compile(r"^(?:Кыргыз|Республик|Кабинет|Министр|Президент|Жогорку|Кенеш|Правительств|Бишкек|КР\b)")
_ACT_WORD = re.compile(r"^(?:Закон|Кодекс|Конституци|Мыйзам)")
_ACT_CITER = re.compile(r"^(?:настоящ\w*|с|со|в|во|по|и|ушул)$")
_REPEALED = re.compile(r"утратил|исключен|күчүн\s+жогот", re.I)


def _glued_heading(s: str) -> bool:
    words = s.split()
    for i in range(1, len(words)):
        w, prev = words[i], words[i - 1]
        if not w[:1].isupper() or prev[-1:] in ".;:!?)»\"":
            continue
        # a name word second only after another name word («Кабинет Министров»; not «Реторсии Правительством»)
        if _NAME_WORD.match(w) and (i > 1 or _NAME_WORD.match(prev)):
            continue
        if _ACT_WORD.match(w) and _ACT_CITER.match(prev.lower()):
            continue
        return True
    return False


def _split_one_line_article(art: Node, text: str) -> None:
    """Give an article with no body the norm written on its heading's line as its one paragraph: «Статья 10.
    Вступление в силу. Настоящий Закон вступает в силу …» (heading, then the norm) or «Статья 7. Уполномоченный
    орган вправе аннулировать лицензию.» (no heading, only the norm)."""
    head = art.heading
    if art.children or not head or _REPEALED.search(head):
        return
    m = _HEADING_THEN_NORM.match(head)
    if m and not _glued_heading(m.group("head")) and not _glued_heading(m.group("norm")):
        heading, norm = m.group("head").strip(), m.group("norm")
    elif _SENTENCE.match(head) and not _glued_heading(head):
        heading, norm = "", head
    else:
        return
    line_end = text.find("\n", art.start)
    line_end = len(text) if line_end == -1 else line_end
    start = text.rfind(norm, art.start, line_end)
    if start == -1:
        return
    art.heading = heading
    art.children.append(Node("paragraph", "1", "", start, start + len(norm), text=norm))


_PATH_STEP = re.compile(r"(прил|пп|абз|ст|ч|п)\.\s*(\S+)")


def clause_label(path: str, language: str) -> str:
    """A clause path as a reader of the act's language names it: «ст. 2 ч. 1» in Russian, «2-берене, 1-бөлүк»
    in Kyrgyz (rules/clause_labels.yml). The path itself stays the identifier (database keys, annotations,
    JSON, links); the label is shown beside it."""
    from rules import load_yaml

    words = (load_yaml("clause_labels.yml") or {}).get(language)
    if not path or not words:
        return path
    steps = _PATH_STEP.findall(path)
    if not steps or any(f"{abbr}." not in words for abbr, _ in steps):
        return path
    # «2-берене»; a lettered subpoint as ««а» пунктча»; a number the source repeats keeps its «#2»
    label = ", ".join(f"{number}-{words[abbr + '.']}" if number[0].isdigit()
                      else f"«{number}» {words[abbr + '.']}" for abbr, number in steps)
    repeat = re.search(r"\s(#\d+)$", path)
    return f"{label} {repeat.group(1)}" if repeat else label


def _articles_of(nodes: list[Node]) -> list[Node]:
    out = []
    for n in nodes:
        if n.kind == "article":
            out.append(n)
        elif n.kind in ("section", "chapter"):
            out.extend(_articles_of(n.children))
    return out


def _restore_inserted_article_numbers(tree: list[Node]) -> None:
    """Text extracted from a print loses superscripts: inserted article 16¹ comes out as «Статья 161». A run of
    articles after article P whose numbers are P's digits plus more («161», «162» after «16»), closed by article
    P+1 (or by the end of the act), is renumbered «16-1», «16-2» as the official editions write it."""
    arts = _articles_of(tree)
    i = 0
    while i < len(arts):
        base = arts[i].number
        if not base.isdigit():
            i += 1
            continue
        j = i + 1
        while j < len(arts) and arts[j].number.isdigit() and arts[j].number.startswith(base) and \
                len(arts[j].number) > len(base) and arts[j].number[len(base)] != "0" and \
                int(arts[j].number) != int(base) + 1:
            j += 1
        closed = j == len(arts) or arts[j].number == str(int(base) + 1)
        if j > i + 1 and closed:
            for a in arts[i + 1:j]:
                a.number = f"{base}-{a.number[len(base):]}"
        i = j if j > i + 1 else i + 1


def _first_numbered(lines: list[_Line]) -> int:
    """Without articles, the body starts at the first numbered point after the preamble."""
    for i, ln in enumerate(lines):
        if PART.match(ln.text) and i > 0:
            return i
    return len(lines)


class _TreeBuilder:
    def __init__(self, has_articles: bool):
        self.has_articles = has_articles
        self.roots: list[Node] = []
        self.section: Node | None = None
        self.chapter: Node | None = None
        self.article: Node | None = None
        self.stack: list[Node] = []  # numbered units inside the current article (or act body)
        self.annex = 0

    # -- containers
    def _container(self) -> list[Node]:
        if self.article is not None:
            return self.article.children
        if self.chapter is not None:
            return self.chapter.children
        if self.section is not None:
            return self.section.children
        return self.roots

    def open_structure(self, kind: str, num: str, head: str, start: int, end: int):
        node = Node(kind, num, head, start, end)
        self.stack = []
        if kind == "section":
            self.roots.append(node)
            self.section, self.chapter, self.article = node, None, None
        elif kind == "chapter":
            (self.section.children if self.section else self.roots).append(node)
            self.chapter, self.article = node, None
        else:
            parent = self.chapter or self.section
            (parent.children if parent else self.roots).append(node)
            self.article = node
        self._extend(end)

    def _extend(self, end: int):
        for n in (self.section, self.chapter, self.article, *self.stack):
            if n is not None and n.end < end:
                n.end = end

    # -- paragraphs
    def add_paragraph(self, ln: _Line):
        t = ln.text
        if DIVISION.match(t) and _upper_ratio(t) > 0.8:
            return  # «ОБЩАЯ ЧАСТЬ» / «ЖАЛПЫ БӨЛҮК»: a division of the code above sections, not a norm
        if NOTE.match(t) and not REPEALED_PARAGRAPH.match(t):
            return  # editorial history «(В редакции Закона КР от ...)»: metadata of the unit above
        if self.has_articles and self.article is None and _upper_ratio(t) > 0.8 and sum(c.isalpha() for c in t) >= 6:
            # an upper-case line between articles is heading text: the rest of a chapter's or section's title
            # broken over lines («РАЗДЕЛ V. ОТВЕТСТВЕННОСТЬ …» / «КЫРГЫЗСКОЙ РЕСПУБЛИКИ …»), never a norm
            open_head = self.chapter or self.section
            if open_head is not None and not open_head.children:
                open_head.heading = f"{open_head.heading} {t}".strip()
                self._extend(ln.end)
            return
        if ANNEX.match(t) and not self.has_articles:
            self.annex += 1
            self.stack = []
            return
        top_kind = "part" if self.has_articles else "point"
        m = PART.match(t)
        if m and (self.article is not None or not self.has_articles):
            self._push(top_kind, m.group("num"), ln, level=1)
            return
        m = POINT.match(t)
        if m:
            self._push("point" if self.has_articles else "subpoint", m.group("num"), ln, level=2)
            return
        m = SUBPOINT.match(t)
        if m and (self.stack or self._after_lead_in()):
            self._push("subpoint", m.group("num"), ln, level=3)
            return
        if DASH.match(t):
            parent = self._lead_in_parent() or self._listing_host()
            siblings = parent.children if parent else self._container()
            n = sum(1 for c in siblings if c.kind in ("item", "paragraph")) + (2 if parent is not None else 1)
            node = Node("item", str(n), "", ln.start, ln.end, text=t, level=(parent.level + 1) if parent is not None else 4)
            siblings.append(node)
            self.stack = [s for s in self.stack if s is not parent and s.level < node.level] + ([parent] if parent else [])
            self.stack.append(node)
            self._extend(ln.end)
            return
        # an unnumbered paragraph: continuation of the current numbered unit, or an абзац of the article
        host = self._paragraph_host()
        siblings = host.children if host is not None else self._container()
        n = sum(1 for c in siblings if c.kind in ("item", "paragraph")) + (2 if host is not None else 1)
        node = Node("paragraph", str(n), "", ln.start, ln.end, text=t)
        siblings.append(node)
        self._extend(ln.end)

    def _after_lead_in(self) -> bool:
        """«а)» right after an unnumbered paragraph ending in «:» (or after another lettered item) is a subpoint."""
        siblings = self._container()
        return bool(siblings) and (siblings[-1].kind == "subpoint" or _introduces_list(siblings[-1]))

    def _lead_in_parent(self) -> Node | None:
        for node in reversed(self.stack):
            if node.kind != "item" and node.text.rstrip().endswith(":"):
                return node
        return None

    def _listing_host(self) -> Node | None:
        """The numbered unit whose own unnumbered paragraph ends in «:» right before a dash item («3. …» /
        «… может быть записана:» / «- …»): the items belong to that unit, after the paragraph that introduces
        them, not to the article."""
        host = self._paragraph_host()
        if host is None or not host.children:
            return None
        last = host.children[-1]
        if last.kind == "item" or _introduces_list(last):
            return host
        return None

    def _paragraph_host(self) -> Node | None:
        """Unnumbered text after a numbered unit continues it, unless that unit was a lead-in list."""
        for node in reversed(self.stack):
            if node.kind == "item":
                continue
            return node
        return None

    def _push(self, kind: str, num: str, ln: _Line, level: int):
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        annex = parent.annex if parent is not None else (self.annex if not self.has_articles else 0)
        node = Node(kind, num, "", ln.start, ln.end, text=ln.text, level=level, annex=annex)
        (parent.children if parent else self._container()).append(node)
        self.stack.append(node)
        self._extend(ln.end)

    def finish(self) -> list[Node]:
        return self.roots


def _introduces_list(node: Node) -> bool:
    """An unnumbered paragraph ending in «:»: what follows it is its list."""
    return node.kind == "paragraph" and node.text.rstrip().endswith(":")


def _upper_ratio(s: str) -> float:
    letters = [c for c in s if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _line_at(text: str, start: int) -> str:
    nl = text.find("\n", start)
    return text[start: nl if nl != -1 else len(text)]


def _collect_clauses(tree: list[Node], text: str) -> list[Clause]:
    clauses: list[Clause] = []
    seen: dict[str, int] = {}

    def emit(node: Node, path: list[str], ctx: dict, lead_in: list[str]):
        own_path = " ".join(path)
        if own_path in seen:  # numbering duplicated in the source: keep both, addressably
            seen[own_path] += 1
            own_path = f"{own_path} #{seen[own_path]}"
        else:
            seen[own_path] = 1
        clauses.append(Clause(
            path=own_path, article=ctx.get("article", ""), article_heading=ctx.get("article_heading", ""),
            kind=node.kind, number=node.number, text=text[node.start:node.end] if node.kind != "article" else node.text,
            start=node.start, end=node.end if node.kind != "article" else node.start + len(node.text),
            lead_in="\n".join(lead_in), section=ctx.get("section", ""), chapter=ctx.get("chapter", ""),
        ))

    def walk(nodes: list[Node], path: list[str], ctx: dict, lead_in: list[str], run_lead: str | None = None):
        paragraphs = [n for n in nodes if n.kind == "paragraph"]
        outer_lead = lead_in
        for k, node in enumerate(nodes):
            # «...следующие понятия:» as an unnumbered paragraph introduces the list items that follow it
            if node.kind == "paragraph":
                nxt = nodes[k + 1] if k + 1 < len(nodes) else None
                own = _line_at(text, node.start)
                line = own.rstrip()
                lead_in = outer_lead + [run_lead] if run_lead else outer_lead
                if line.endswith(":") and nxt is not None and nxt.kind != "paragraph":
                    lead_in = outer_lead + [own]
                    continue
                # unmarked list paragraphs («…, если они:» then «уклоняются …;» … «… детей.»): each has the
                # paragraph before the run as its lead-in, which stays a clause of its own (it states the rule);
                # the run ends with the paragraph that closes its sentence
                if line.endswith(":") and nxt is not None:
                    run_lead = own
                elif run_lead and not line.endswith((";", ",")):
                    run_lead = None
            if node.kind == "section":
                walk(node.children, path, {**ctx, "section": node.number}, [])
            elif node.kind == "chapter":
                walk(node.children, path, {**ctx, "chapter": node.number}, [])
            elif node.kind == "article":
                actx = {**ctx, "article": node.number, "article_heading": node.heading}
                walk(node.children, [f"ст. {node.number}"], actx, [])
            else:
                if node.kind in ("paragraph", "item"):
                    if node.kind == "paragraph" and len(paragraphs) == 1 and not path:
                        step = []  # a lone paragraph of an article-less body
                    elif node.kind == "paragraph" and len(paragraphs) == 1 and len(nodes) == 1:
                        step = []  # the article's only paragraph is the article's clause
                    else:
                        step = [f"абз. {node.number}"]
                else:
                    prefix = [f"прил. {node.annex}"] if node.annex and not path else []
                    step = prefix + [f"{KIND_ABBR[node.kind]} {node.number}"]
                node_path = path + step
                own_text = _line_at(text, node.start)
                is_lead_in = own_text.rstrip().endswith(":") and any(c.kind != "paragraph" for c in node.children)
                if not is_lead_in and (node_path or own_text) and not NOTE.match(own_text):
                    emit(Node(node.kind, node.number, "", node.start, node.end), node_path or path, ctx, lead_in)
                child_lead = lead_in + [own_text] if is_lead_in else lead_in
                # a numbered unit ending in «:» whose list is unmarked paragraphs («2. … за исключением случаев:»)
                child_run = own_text if own_text.rstrip().endswith(":") and not is_lead_in else None
                walk(node.children, node_path, ctx, child_lead, child_run)

    walk(tree, [], {}, [])
    # a paragraph's own span is its line; node.end of numbered units covers their children: trim to the line
    for c in clauses:
        nl = text.find("\n", c.start)
        if nl != -1 and nl < c.end:
            c.end = nl
        c.text = text[c.start:c.end]
    return clauses


# ---------------------------------------------------------------------------------------------------------
# Header: act type, date, number, title, amendment history

ACT_TYPES = [
    ("конституционный закон", r"конституционный\s+закон|конституциялык\s+мыйзам"),
    ("конституция", r"конституция"),
    ("кодекс", r"кодекс"),
    ("закон", r"\bзакон\b|\bмыйзам(ы|ы\b)"),
    ("постановление", r"постановлени|токтому?\b"),
    ("указ", r"\bуказ\b|жарлыгы?"),
    ("распоряжение", r"распоряжени|тескемеси?"),
    ("приказ", r"\bприказ\b|буйругу?"),
    ("положение", r"положени|жобосу?\b"),
    ("решение", r"\bрешени|чечими?\b"),
    # by-laws named by their own kind only when the header line starts (RU) or ends (KY) with it: «Правила» or
    # «Инструкция» inside a law's title («О правилах …») does not make the law one
    ("инструкция", r"^инструкци|нускамасы?$"),
    ("правила", r"^правила\b|эрежелери?$"),
]
MONTHS_RU = {"январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
             "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12}
_MONTH_RX = r"(январ\w*|феврал\w*|март\w*|апрел\w*|ма[йяеи]\w*|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|ноябр\w*|декабр\w*)"
DATE_RU = re.compile(rf"(\d{{1,2}})\s+{_MONTH_RX}\s+(\d{{4}})", re.I)
DATE_KY = re.compile(rf"(\d{{4}})\s*-?\s*ж(?:ылдын|\.)?\s+(\d{{1,2}})\s*-\s*{_MONTH_RX}", re.I)
DATE_NUM = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
NUMBER = re.compile(r"№\s*([\w\-/]+)")
AMEND = re.compile(r"^\((?:В\s+редакции|.*\bредакция(?:сына|ларына)\s+ылайык)", re.I)


def _month(word: str) -> int | None:
    w = word.lower()
    for stem, n in MONTHS_RU.items():
        if w.startswith(stem) and (stem != "ма" or w[:3] in ("май", "мая", "мае", "маи")):
            return n
    return None


def find_date(s: str) -> str:
    for rx, order in ((DATE_KY, "ydm"), (DATE_RU, "dmy")):
        m = rx.search(s)
        if m:
            if order == "ydm":
                y, d, mon = m.group(1), m.group(2), _month(m.group(3))
            else:
                d, mon, y = m.group(1), _month(m.group(2)), m.group(3)
            if mon:
                return f"{int(y):04d}-{mon:02d}-{int(d):02d}"
    m = DATE_NUM.search(s)
    if m:
        return f"{int(m.group(3)):04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return ""


def parse_header(lines: list[str], display_title: str = "", language: str = "ru") -> dict:
    lines = _merge_parenthesised(lines)
    header: dict = {"act_type": "", "act_date": "", "act_number": "", "title": "", "amendments": [],
                    "display_title": display_title}
    sources = ([display_title] if display_title else []) + lines[:12]
    for s in sources:
        low = s.lower()
        if not header["act_type"]:
            for name, rx in ACT_TYPES:
                if re.search(rx, low):
                    header["act_type"] = name
                    break
        if not header["act_date"]:
            header["act_date"] = find_date(s)
        if not header["act_number"]:
            m = NUMBER.search(s)
            if m:
                header["act_number"] = m.group(1).rstrip(".,")
    header["amendments"] = [ln for ln in lines if AMEND.match(ln)]
    if display_title:
        quoted = re.search(r"[\"«](.+)[\"»]", display_title)
        header["title"] = quoted.group(1).strip() if quoted else display_title
    if not header["title"]:
        # the first sentence-case line of the header that is not a date, number, banner or amendment note
        plain = [ln for ln in lines if not AMEND.match(ln) and (not (NUMBER.search(ln) or find_date(ln)) or len(ln) >= 80)]
        # a title is Cyrillic (a note in Latin letters above it, «Made-up draft …», is not); «Об утверждении …» /
        # «… жөнүндө» is how titles are worded, so such a line wins over the lines above it («Проект», the body)
        plain = [ln for ln in plain if _cyrillic_ratio(ln) > 0.5]
        sentence_case = [ln for ln in plain if _upper_ratio(ln) <= 0.8 and 10 < len(ln) < 400]
        worded = [ln for ln in sentence_case if _TITLE_WORDING.search(ln)]
        caps = [ln for ln in plain if _upper_ratio(ln) > 0.8 and len(ln) > 10]
        header["title"] = (worded or sentence_case or caps or [""])[0]
    return header


_TITLE_WORDING = re.compile(r"^(О|Об|Обо)\s|\sжөнүндө\w*\s*$")


def _cyrillic_ratio(s: str) -> float:
    letters = [c for c in s if c.isalpha()]
    return sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters) if letters else 0.0


def _merge_parenthesised(lines: list[str]) -> list[str]:
    """«(В редакции Законов КР от ...» often runs over several paragraphs until the closing parenthesis."""
    out: list[str] = []
    open_note = False
    for ln in lines:
        if open_note:
            out[-1] = f"{out[-1]} {ln}"
        else:
            out.append(ln)
        depth = out[-1].count("(") - out[-1].count(")")
        open_note = out[-1].startswith("(") and depth > 0 and len(out[-1]) < 5000
    return out


def align_articles(ru: Structure, ky: Structure) -> list[tuple[Node, Node]]:
    """Pair the articles of the Russian and Kyrgyz editions of one act by article number."""
    ky_by_num: dict[str, Node] = {}
    for a in ky.articles:
        ky_by_num.setdefault(a.number, a)
    return [(a, ky_by_num[a.number]) for a in ru.articles if a.number in ky_by_num]
