"""Kelengkapan DIP: the information the law obliges the office to publish, matched to DIP items.

Pure: obligations as data (seeded from ``lib/resources/kewajiban.csv``, edited by the admin), a
matcher that suggests items (keywords plus rapidfuzz similarity), and the coverage rules.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

DATA_FILE = Path(__file__).resolve().parents[1] / "resources" / "kewajiban.csv"
GROUPS = {"berkala": "Berkala", "setiap_saat": "Setiap saat", "serta_merta": "Serta merta",
          "pemilu": "Khusus pemilu", "tata_kelola": "Tata kelola PPID"}
CONFIDENCE = {"terverifikasi": "terverifikasi", "sumber_sekunder": "sumber sekunder",
              "belum_diverifikasi": "belum diverifikasi"}
SUGGEST_MIN = 50.0


@dataclass(frozen=True)
class Obligation:
    id: str
    parent: str
    group: str
    judul: str
    basis: str
    evidence: str
    keywords: tuple[str, ...]
    applies: str                   # "ya", "kondisional", "tidak" (for a KPU kabupaten office)
    applies_note: str = ""
    confidence: str = "sumber_sekunder"
    retired: bool = False
    office_applies: bool | None = None   # the office's own answer, overriding ``applies``
    reason: str = ""                     # why it was marked (not) applicable or retired

    @property
    def counts(self) -> bool:
        """Counted in coverage: applicable to this office and not retired ('Kondisional' only once marked)."""
        if self.retired:
            return False
        if self.office_applies is not None:
            return self.office_applies
        return self.applies == "ya"


def load_default(path: Path = DATA_FILE) -> list[Obligation]:
    with open(path, encoding="utf-8", newline="") as f:
        return [_from_row(r) for r in csv.DictReader(f)]


def _from_row(r: dict) -> Obligation:
    # Keywords of the checklist, plus SIDIP's own (the titles real DIPs use for the same information).
    text = f"{r['kata_kunci']};{r.get('kata_kunci_sidip', '')}"
    words = tuple(dict.fromkeys(w.strip().lower() for w in text.split(";") if w.strip()))
    return Obligation(r["id"], r["induk"], r["kelompok"], r["judul"], r["dasar_hukum"], r["bukti_tipikal"],
                      words, r["berlaku"], r["catatan_berlaku"], r["keyakinan"])


def apply_changes(base: list[Obligation], changes: dict) -> list[Obligation]:
    """The admin's edits (stored as data): added rows, retired rows, applicability with reasons."""
    added = [_from_row(r) for r in changes.get("tambahan", [])]
    marks = changes.get("status", {})
    return [_marked(o, marks.get(o.id)) for o in base + added]


def _marked(o: Obligation, mark: dict | None) -> Obligation:
    if not mark:
        return o
    state = mark.get("status")
    return replace(o, retired=state == "pensiun", reason=mark.get("alasan", ""),
                   office_applies={"berlaku": True, "tidak_berlaku": False}.get(state, o.office_applies))


# -- matching ---------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split())


def score(o: Obligation, title: str, summary: str = "") -> float:
    """0–100: keyword hits in the title weigh most, then fuzzy similarity of title and summary."""
    t, judul = _norm(title), _norm(o.judul)
    similarity = max(fuzz.token_set_ratio(judul, t), 0.6 * fuzz.partial_ratio(judul, t))
    return _combined(_keywords(o), f" {t} ", f" {_norm(summary)} ", similarity)


def _keywords(o: Obligation) -> list[str]:
    # Normalised text is words of [a-z0-9] joined by single spaces, so the word-bounded match
    # re.search(rf"\b{k}\b", t) is the plain substring test " k " in " t ".
    return [f" {k} " for k in map(_norm, o.keywords) if k]


def _hits(keywords: list[str], title: str, summary: str) -> float:
    return 40 * min(sum(1 for k in keywords if k in title), 2) + 12 * min(sum(1 for k in keywords if k in summary), 2)


def _combined(keywords: list[str], title: str, summary: str, similarity: float) -> float:
    return min(100.0, _hits(keywords, title, summary) + 0.4 * similarity)


@dataclass(frozen=True)
class Suggestion:
    obligation_id: str
    item_id: str
    score: float


def suggest(obligations: list[Obligation], items: list[dict], top: int = 3,
            minimum: float = SUGGEST_MIN) -> dict[str, list[Suggestion]]:
    """For each obligation that counts, its best items (``items``: dicts with id, judul, ringkasan)."""
    out = {}
    titles = [_norm(i["judul"]) for i in items]  # each text normalised once, not once per obligation
    padded = [(f" {t} ", f" {_norm(i.get('ringkasan', ''))} ") for t, i in zip(titles, items)]
    for o in obligations:
        if o.retired or o.evidence == "(lihat sub-item)":
            continue
        judul, keywords = _norm(o.judul), _keywords(o)
        hits = [_hits(keywords, t, s) for t, s in padded]
        # Similarity adds at most 40: an item whose keyword hits cannot reach ``minimum`` is never shown,
        # and sorts after every item that is, so its fuzzy similarity need not be computed.
        near = [n for n, h in enumerate(hits) if h + 40 >= minimum - 0.05]  # (0.05: rounding to 0.1)
        similar = _similarities(judul, [titles[n] for n in near])
        ranked = sorted((Suggestion(o.id, items[n]["id"], round(min(100.0, hits[n] + 0.4 * sim), 1))
                         for n, sim in zip(near, similar)), key=lambda s: -s.score)
        out[o.id] = [s for s in ranked[:top] if s.score >= minimum]
    return out


def _similarities(judul: str, titles: list[str]) -> list[float]:
    """max(token_set_ratio, 0.6 * partial_ratio) of ``judul`` against every title, in rapidfuzz's C loop."""
    if not titles:
        return []
    from rapidfuzz import process
    token_set = process.cdist([judul], titles, scorer=fuzz.token_set_ratio, dtype=np.float64)[0]
    partial = process.cdist([judul], titles, scorer=fuzz.partial_ratio, dtype=np.float64)[0]
    return [max(a, 0.6 * b) for a, b in zip(token_set.tolist(), partial.tolist())]


# -- coverage ---------------------------------------------------------------------------------
@dataclass
class GroupCoverage:
    group: str
    counted: int = 0
    covered: int = 0
    missing: list[Obligation] = field(default_factory=list)
    stale: list[Obligation] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return None if not self.counted else self.covered / self.counted


def children(obligations: list[Obligation]) -> dict[str, list[Obligation]]:
    out: dict[str, list[Obligation]] = {}
    for o in obligations:
        if o.parent:
            out.setdefault(o.parent, []).append(o)
    return out


def is_covered(o: Obligation, links: dict[str, set[str]], kids: dict[str, list[Obligation]]) -> bool:
    """A head is covered when all its counted sub-items are; otherwise when an item is linked to it."""
    counted_kids = [k for k in kids.get(o.id, []) if k.counts]
    if counted_kids:
        return all(is_covered(k, links, kids) for k in counted_kids)
    return bool(links.get(o.id))


def coverage(obligations: list[Obligation], links: dict[str, set[str]],
             stale_items: set[str] = frozenset()) -> dict[str, GroupCoverage]:
    """Per group, over head obligations: covered / counted, what is missing, what is only stale."""
    kids = children(obligations)
    report = {g: GroupCoverage(g) for g in GROUPS}
    for o in obligations:
        if o.parent or not o.counts:
            continue
        cell = report.setdefault(o.group, GroupCoverage(o.group))
        cell.counted += 1
        if is_covered(o, links, kids):
            cell.covered += 1
            if _only_stale(o, links, kids, stale_items):
                cell.stale.append(o)
        else:
            cell.missing.extend(_missing_leaves(o, links, kids))
    return report


def _missing_leaves(o: Obligation, links, kids) -> list[Obligation]:
    counted_kids = [k for k in kids.get(o.id, []) if k.counts]
    if not counted_kids:
        return [o]
    return [leaf for k in counted_kids if not is_covered(k, links, kids) for leaf in _missing_leaves(k, links, kids)]


def _only_stale(o: Obligation, links, kids, stale_items) -> bool:
    ids = set(links.get(o.id, set()))
    for k in kids.get(o.id, []):
        ids |= links.get(k.id, set())
    return o.group == "berkala" and bool(ids) and ids <= set(stale_items)


def overall(report: dict[str, GroupCoverage]) -> float | None:
    counted = sum(g.counted for g in report.values())
    return None if not counted else sum(g.covered for g in report.values()) / counted
