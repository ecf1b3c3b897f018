"""Plain data passed between the stages (see ../shared/docs/architecture.md, «Names used everywhere»)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


class TarazaError(Exception):
    """An input the pipeline cannot use. The message names the file and the problem; no traceback is shown."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class AsDict:
    """``to_dict()`` for a plain dataclass: its fields as a dict (``dataclasses.asdict``), for JSON output."""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Document:
    """One language version of one act, draft, plan or report, with its normalised text."""

    path: str
    sha256: str
    format: str
    text: str
    language: str
    source: str = "local"
    url: str = ""
    kind: str = "act"
    title: str = ""
    act_type: str = ""
    act_date: str = ""
    act_number: str = ""
    issuing_body: str = ""
    amendments: list[str] = field(default_factory=list)
    banners: list[str] = field(default_factory=list)
    signature: str = ""          # the closing block (President, publication, adoption), kept out of the clauses
    made_up: bool = False
    act_key: str = ""

    @property
    def id(self) -> str:
        return self.sha256[:16]


@dataclass
class Node:
    """A unit of the legal structure: section, chapter, article, part, point, subpoint (or paragraph/item)."""

    kind: str
    number: str
    heading: str
    start: int
    end: int
    text: str = ""
    children: list["Node"] = field(default_factory=list)
    level: int = 0  # nesting depth of numbered units inside an article (part 1, point 2, subpoint 3, item)
    annex: int = 0  # for acts without articles: which annex («Приложение») the point belongs to

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "number": self.number,
            "heading": self.heading,
            "start": self.start,
            "end": self.end,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass
class Clause(AsDict):
    """The smallest numbered unit of an act, addressed by its path («ст. 12 ч. 3 п. 2»)."""

    path: str
    article: str
    article_heading: str
    kind: str
    number: str
    text: str
    start: int
    end: int
    lead_in: str = ""
    section: str = ""
    chapter: str = ""


@dataclass
class Structure:
    header: dict
    tree: list[Node]
    clauses: list[Clause]

    @property
    def articles(self) -> list[Node]:
        out: list[Node] = []

        def walk(nodes):
            for n in nodes:
                if n.kind == "article":
                    out.append(n)
                else:
                    walk(n.children)

        walk(self.tree)
        return out

    def to_dict(self) -> dict:
        return {
            "header": self.header,
            "tree": [n.to_dict() for n in self.tree],
            "clauses": [c.to_dict() for c in self.clauses],
        }
