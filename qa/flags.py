"""Flag entries of the notes: fuzzy look-up of flag names, and `explain` for command lines."""

from __future__ import annotations

from collections.abc import Iterable


def correct_flag(name: str, known: Iterable[str]) -> str | None:
    """The real flag a misspelled one means (`--memroy` -> `--memory`), or None.

    Single-letter flags are case-sensitive and never corrected (`-p` is not `-P`).
    """
    from rapidfuzz.distance import OSA

    if not name.startswith("--"):
        return None
    body = name[2:]
    best, best_d = None, 99
    limit = 1 if len(body) <= 4 else 2 if len(body) <= 8 else 3
    for k in known:
        if not k.startswith("--"):
            continue
        d = OSA.distance(body, k[2:], score_cutoff=limit)
        if d <= limit and (d < best_d or d == best_d and best is not None and k < best):
            best, best_d = k, d
    return best
