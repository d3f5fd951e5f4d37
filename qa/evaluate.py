"""Score question sets (JSON Lines: id, q, lang, field, expect) by the shared scorer's rules."""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import QAError

FIELDS = ("command", "text", "flag", "none")


def _fold(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def answer_text(a: dict[str, Any]) -> str:
    parts = [a.get("command") or "", a.get("passage") or ""]
    for f in a.get("flags") or []:
        parts += [f.get("short") or "", f.get("long") or "", f.get("description") or ""]
    return _fold(" ".join(parts))


def hit(case: dict[str, Any], a: dict[str, Any]) -> bool:
    """Does answer `a` (a JSON answer) satisfy the case?"""
    expect = case["expect"]
    if case["field"] == "command":
        cmd = _fold(a.get("command"))
        return any(_fold(e) in cmd for e in expect)
    if case["field"] == "text":
        t = answer_text(a).lower()
        return any(_fold(e).lower() in t for e in expect)
    if case["field"] == "flag":
        names = {n for f in a.get("flags") or [] for n in (f.get("short"), f.get("long"))}
        return any(e in names for e in expect)
    raise QAError(f"unknown field {case['field']!r}: use one of {', '.join(FIELDS)}")


@dataclass(frozen=True)
class CaseResult:
    case: dict[str, Any]
    found: bool
    ok1: bool
    ok3: bool
    rr: float
    top: str | None
    passage_chars: int


@dataclass(frozen=True)
class EvalReport:
    rows: tuple[CaseResult, ...]
    slices: dict[str, tuple[float, int]] = field(default_factory=dict)
    summary: dict[str, float | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary,
                "slices": {k: {"top1": v[0], "n": v[1]} for k, v in self.slices.items()},
                "misses": [{"id": r.case.get("id"), "q": r.case["q"], "top": r.top}
                           for r in self.rows if not r.ok1]}


def load_cases(path: Path) -> list[dict[str, Any]]:
    """Read a question set; raises QAError naming the bad line."""
    cases = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise QAError(f"cannot read {path}: {e}") from e
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            c = json.loads(line)
            wrong = [k for k, ok in (("q", isinstance(c.get("q"), str)),
                                     ("field", c.get("field") in FIELDS),
                                     ("expect", isinstance(c.get("expect"), list) and all(
                                         isinstance(e, str) for e in c["expect"]))) if not ok]
            if wrong:
                raise ValueError(f"{', '.join(wrong)} missing or wrong; ")
        except (ValueError, AttributeError) as e:  # (not JSON; JSON but not an object)
            said = str(e) if str(e).endswith("; ") else ""
            raise QAError(f"{path}:{no}: not a question line ({said}"
                          'want {"q": ..., "field": command|text|flag|none, '
                          '"expect": [...]})') from None
        cases.append(c)
    return cases


def evaluate(cases: Iterable[dict[str, Any]], ask: Callable[[str], dict[str, Any]]) -> EvalReport:
    """Ask every question (`ask` returns the JSON of a Result) and score it."""
    rows = []
    for case in cases:
        r = ask(case["q"])
        answers = r.get("answers") or []
        found = bool(r.get("found")) and bool(answers)
        if case["field"] == "none":
            ok1 = ok3 = not found
            rr = 1.0 if ok1 else 0.0
        else:
            ranks = [i for i, a in enumerate(answers[:5]) if hit(case, a)]
            ok1 = found and bool(ranks) and ranks[0] == 0
            ok3 = found and bool(ranks) and ranks[0] < 3
            rr = 1.0 / (ranks[0] + 1) if found and ranks else 0.0
        first = answers[0] if answers else {}
        top = (first.get("command") or (first.get("passage") or "")[:80]) if answers else None
        plen = len(answers[0].get("passage") or "") if answers else 0
        rows.append(CaseResult(case, found, ok1, ok3, rr, top, plen))
    return summarize(rows)


def summarize(rows: list[CaseResult]) -> EvalReport:
    inscope = [r for r in rows if r.case["field"] != "none"]
    oos = [r for r in rows if r.case["field"] == "none"]

    def acc(sel: list[CaseResult]) -> float:
        return sum(r.ok1 for r in sel) / len(sel) if sel else 0.0

    slices: dict[str, tuple[float, int]] = {}
    for lang in ("zh", "en", "mix"):
        sel = [r for r in inscope if r.case.get("lang") == lang]
        if sel:
            slices[lang] = (acc(sel), len(sel))
    for f in ("command", "text", "flag"):
        sel = [r for r in inscope if r.case["field"] == f]
        if sel:
            slices[f] = (acc(sel), len(sel))
    plens = [r.passage_chars for r in inscope if r.found]
    def share(n: float, d: int) -> float | None:
        return round(n / d, 3) if d else None  # JSON has no NaN: a missing slice is null

    summary: dict[str, float | None] = {
        "top1": share(sum(r.ok1 for r in inscope), len(inscope)),
        "hit3": share(sum(r.ok3 for r in inscope), len(inscope)),
        "mrr": share(sum(r.rr for r in inscope), len(inscope)),
        "oos_abstain": share(sum(r.ok1 for r in oos), len(oos)),
        "false_abstain": share(sum(not r.found for r in inscope), len(inscope)),
        "median_passage_chars": statistics.median(plens) if plens else 0,
        "n": len(rows),
    }
    return EvalReport(tuple(rows), slices, summary)
