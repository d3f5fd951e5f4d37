"""How much a typo costs: each question asked as written and with one typo in it, for qa and
the plain baseline of accuracy.py, in one run.

    python benchmarks/typos.py [--seeds 4] [--verbose]

A typo is what a hurried user makes, one per question, drawn with a fixed seed:
  English  in one word of five letters or more: two letters swapped, one dropped, one
           doubled, or one replaced by a letter beside it on the keyboard;
  Chinese  in one word of two characters or more: one character replaced by another of the
           same sound, as pinyin input offers it (容器 -> 容齐), drawn from the characters
           jieba's dictionary counts as common.
Questions with no such word are left out. Prints, per set: top-1 as written, top-1 with the
typo (mean over the seeds) and their ratio, for the baseline and for qa.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from accuracy import Baseline  # noqa: E402

from qa import Assistant  # noqa: E402
from qa.evaluate import hit, load_cases  # noqa: E402

SETS = {  # question set -> the notes it asks
    "docker-zh": ROOT / "corpus", "docker-en": ROOT / "corpus", "docker-mix": ROOT / "corpus",
    "docker-heldout": ROOT / "corpus",
    "linux-zh": ROOT / "tests/corpora/linux-zh", "linux-en": ROOT / "tests/corpora/linux-zh",
    "docsite-zh": ROOT / "tests/corpora/docsite-zh",
    "docsite-en": ROOT / "tests/corpora/docsite-zh",
}
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
COMMON = 2000  # jieba's count above which a character is one pinyin input offers early


@lru_cache(maxsize=1)
def _by_sound() -> dict[str, list[str]]:
    """Common characters by their sound (no tones)."""
    import jieba
    from pypinyin import Style, lazy_pinyin

    out: dict[str, list[str]] = {}
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word, count = line.split()[:2]
            if len(word) == 1 and int(count) > COMMON:
                for sound in lazy_pinyin(word, style=Style.NORMAL):
                    out.setdefault(sound, []).append(word)
    return out


def _neighbour(ch: str, rng: random.Random) -> str:
    for row in KEYBOARD:
        i = row.find(ch.lower())
        if i >= 0:
            return rng.choice([row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)])
    return ch


def typo(question: str, rng: random.Random) -> str | None:
    """The question with one typo, or None when it has no word to make one in."""
    import jieba
    from pypinyin import Style, lazy_pinyin

    spots: list[tuple[int, int]] = [m.span() for m in re.finditer(r"[A-Za-z]{5,}", question)]
    at = 0
    for word in jieba.lcut(question):
        if len(word) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in word):
            spots.append((at, at + len(word)))
        at += len(word)
    rng.shuffle(spots)
    for start, end in spots:
        word = question[start:end]
        i = rng.randrange(len(word))
        if word.isascii():
            i = rng.randrange(1, len(word) - 1)  # (a typo keeps the first letter)
            kind = rng.choice(["swap", "drop", "double", "neighbour"])
            new = {"swap": word[:i] + word[i + 1] + word[i] + word[i + 2:],
                   "drop": word[:i] + word[i + 1:],
                   "double": word[:i] + word[i] + word[i:],
                   "neighbour": word[:i] + _neighbour(word[i], rng) + word[i + 1:]}[kind]
        else:
            sound = lazy_pinyin(word[i], style=Style.NORMAL)[0]
            others = [c for c in _by_sound().get(sound, []) if c != word[i]]
            if not others:
                continue
            new = word[:i] + rng.choice(others) + word[i + 1:]
        if new != word:
            return question[:start] + new + question[end:]
    return None


def _top1(ask: Callable[[str], dict[str, Any]], case: dict[str, Any], question: str) -> bool:
    r = ask(question)
    return bool(r["found"] and r["answers"] and hit(case, r["answers"][0]))


def run(seeds: int, verbose: bool) -> None:
    import jieba

    jieba.setLogLevel(60)
    print(f"{'question set':16s} {'n':>4s}   {'baseline written/typo/ratio':>28s}   "
          f"{'qa written/typo/ratio':>24s}")
    systems: dict[Path, tuple[Baseline, Assistant]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, corpus in SETS.items():
            if corpus not in systems:
                systems[corpus] = (Baseline(corpus), Assistant(corpus, Path(tmp) / corpus.name))
            baseline, qa = systems[corpus]
            asks = (baseline.ask, lambda text, qa=qa: qa.ask(text, top=5).to_dict())
            cases = [c for c in load_cases(ROOT / "tests/eval" / f"{name}.jsonl")
                     if c["field"] != "none"]
            written = [0, 0]
            typed = [0.0, 0.0]
            n = 0
            for k, case in enumerate(cases):
                variants = [typo(case["q"], random.Random(f"{seed}:{name}:{k}"))
                            for seed in range(seeds)]
                variants = [v for v in variants if v]
                if not variants:
                    continue
                n += 1
                for s, ask in enumerate(asks):
                    written[s] += _top1(ask, case, case["q"])
                    right = [_top1(ask, case, v) for v in variants]
                    typed[s] += sum(right) / len(right)
                    if verbose and s == 1 and not all(right):
                        print(f"    {case['q']}  ->  "
                              f"{[v for v, ok in zip(variants, right, strict=True) if not ok]}")
            cols = [f"{written[s] / n:.2f} / {typed[s] / n:.2f} / "
                    f"{(typed[s] / written[s]) if written[s] else 0:.2f}" for s in (0, 1)]
            print(f"{name:16s} {n:4d}   {cols[0]:>28s}   {cols[1]:>24s}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=4, help="typos drawn per question (default 4)")
    ap.add_argument("--verbose", action="store_true", help="list the typos qa gets wrong")
    args = ap.parse_args()
    run(args.seeds, args.verbose)


if __name__ == "__main__":
    main()
