"""Worked example passages of a plan's measures: the memory of the matcher's ``examples`` channels.

``corpus/match_examples/`` holds made-up report passages written about the measures of one plan, each linked to its
measure(s) (the matcher's calibration passages, see its README). Its ``index.yml`` records which plan they are
about (the plan file's sha256, one per edition) and the files; a plan whose sha256 is not recorded gets no
examples, so passages written about the 2015–2017 plan never vote for the items of another plan that happen to
share a number. Only the on-plan passages are examples; their refs are the plan parser's references. The off-plan
passages (``plan_counterexamples``) are the other side of the abstention model's neighbour features.

The channel (``aggregate_examples``): per measure, the mean of the ``k`` highest similarities of a passage to the
examples linked to that measure; a measure without examples (or whose examples are all masked) gets the lowest
value of those that have some. ``exclude`` masks examples per passage: the calibration bench uses it so a passage
never sees itself or the examples of its held-out fold.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "corpus" / "match_examples"


@dataclass(frozen=True)
class Example:
    text: str
    lang: str
    refs: tuple[str, ...]
    source: str      # the file it comes from
    kind: str        # brief | news | report | clip (bench.match_calibrate groups by it)


def read_index(folder: Path | str = EXAMPLES_DIR) -> dict:
    """The folder's ``index.yml``: the plans the passages were written about and the passage files."""
    return yaml.safe_load((Path(folder) / "index.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _read(folder: str) -> tuple[dict, tuple[Example, ...], tuple[Example, ...]]:
    """The folder's index, its on-plan passages (examples) and its off-plan ones (counter-examples, no refs)."""
    folder_p = Path(folder)
    index = read_index(folder_p)
    out, off = [], []
    for name in index["files"]:
        data = yaml.safe_load((folder_p / name).read_text(encoding="utf-8"))
        for lang, items in (data.get("on_plan") or {}).items():
            for it in items:
                out.append(Example(it["text"], lang, tuple(str(r) for r in it.get("refs") or ()), name,
                                   it.get("kind", "brief")))
        for lang, items in (data.get("off_plan") or {}).items():
            for it in items:
                it = it if isinstance(it, dict) else {"text": it}
                off.append(Example(it["text"], lang, (), name, it.get("kind", "brief")))
    return index, tuple(out), tuple(off)


def _for_plan(plan, folder: Path | str) -> tuple[dict, tuple[Example, ...], tuple[Example, ...]] | None:
    """The folder's passages if they were written for ``plan`` (its sha256 in ``index.yml``), else None."""
    folder = Path(folder)
    if not (folder / "index.yml").exists():
        return None
    read = _read(str(folder))
    sha = getattr(plan, "sha256", "") or ""
    if not sha or not any(sha in (p.get("sha256") or []) for p in read[0].get("plans") or []):
        return None
    return read


def plan_examples(plan, folder: Path | str = EXAMPLES_DIR) -> list[Example]:
    """The worked examples written for ``plan`` (recorded by its sha256 in the folder's ``index.yml``), with refs
    the plan lacks dropped; none for any other plan, or when the folder is missing."""
    read = _for_plan(plan, folder)
    if read is None:
        return []
    examples = read[1]
    refs = {m.ref for m in plan.measures}
    out = []
    for e in examples:
        kept = tuple(r for r in e.refs if r in refs)
        if kept:
            out.append(Example(e.text, e.lang, kept, e.source, e.kind))
    return out


def plan_counterexamples(plan, folder: Path | str = EXAMPLES_DIR) -> list[Example]:
    """The made-up off-plan passages written beside ``plan``'s examples (text that reports nothing in that plan:
    routine agency work, anti-corruption news the plan does not cover; no refs), for the same plans only: the
    abstention model reads how close a passage is to them against how close it is to the examples
    (``pipeline.match.neighbour_features``). What is off this plan may be on another, so none for other plans."""
    read = _for_plan(plan, folder)
    return list(read[2]) if read is not None else []


def example_links(examples: list[Example], refs: list[str]) -> list[np.ndarray]:
    """Per measure (in ``refs`` order), the positions of the examples linked to it."""
    where = {r: i for i, r in enumerate(refs)}
    links: list[list[int]] = [[] for _ in refs]
    for j, e in enumerate(examples):
        for r in e.refs:
            if r in where:
                links[where[r]].append(j)
    return [np.asarray(x, dtype=int) for x in links]


def aggregate_examples(sims: np.ndarray, links: list[np.ndarray], k: int,
                       exclude: np.ndarray | None = None) -> np.ndarray:
    """Per passage (rows of ``sims``, passages × examples) and measure: the mean of the ``k`` highest similarities
    to the measure's examples, leaving out those ``exclude`` (same shape, True = masked) marks. A measure with no
    example left gets the row's floor (the lowest value of the measures that have one); a row with no example
    left at all is flat (zeros), which ``MeasureIndex.combine`` leaves out of Σ w. A 1-D ``sims`` gives 1-D."""
    one = sims.ndim == 1
    s = np.atleast_2d(np.asarray(sims, dtype=float))
    ex = np.zeros_like(s, dtype=bool) if exclude is None else np.atleast_2d(exclude)
    out = np.full((s.shape[0], len(links)), np.nan)
    for m, idx in enumerate(links):
        if not len(idx):
            continue
        sub = np.where(ex[:, idx], -np.inf, s[:, idx])
        top = -np.sort(-sub, axis=1)[:, :k]
        ok = np.isfinite(top)
        n = ok.sum(axis=1)
        total = np.where(ok, top, 0.0).sum(axis=1)
        out[:, m] = np.where(n > 0, total / np.maximum(n, 1), np.nan)
    have = ~np.isnan(out).all(axis=1)
    floor = np.zeros(s.shape[0])
    if have.any():
        floor[have] = np.nanmin(out[have], axis=1)
    out = np.where(np.isnan(out), floor[:, None], out)
    return out[0] if one else out
