"""Accuracy of qa beside a plain baseline, on the same questions, in one run.

The baseline is what one would write in an afternoon: every non-empty line of the notes is a
document, jieba's search-mode segmentation, scikit-learn's TfidfVectorizer, cosine similarity;
the best line is the answer (its text serves as command and passage), and it abstains only when
no line shares a term with the question.

    python benchmarks/accuracy.py            # all question sets of tests/eval
    python benchmarks/accuracy.py --verbose  # and the questions each system misses

Prints, per question set: top-1, hit@3 and out-of-scope abstention for the baseline and qa.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa import Assistant  # noqa: E402
from qa.evaluate import evaluate, load_cases  # noqa: E402
from qa.index import find_notes  # noqa: E402
from qa.notes import decode  # noqa: E402

SETS = {
    "shipped notes": (ROOT / "corpus", ["docker-zh", "docker-en", "docker-mix", "docker-flags",
                                        "docker-oos", "docker-heldout"]),
    "linux-zh collection": (ROOT / "tests/corpora/linux-zh", ["linux-zh", "linux-en"]),
    "ops-zh collection": (ROOT / "tests/corpora/ops-zh", ["ops-zh", "ops-en"]),
    "dev-en collection": (ROOT / "tests/corpora/dev-en", ["dev-en-en", "dev-en-zh"]),
    "kb-mixed collection": (ROOT / "tests/corpora/kb-mixed", ["kb-zh", "kb-en"]),
    "sre-mixed collection": (ROOT / "tests/corpora/sre-mixed", ["sre-zh", "sre-en", "sre-oos"]),
    "vault-zh collection": (ROOT / "tests/corpora/vault-zh", ["vault-zh", "vault-en", "vault-oos"]),
    "blog-zh collection": (ROOT / "tests/corpora/blog-zh", ["blog-zh", "blog-en", "blog-oos"]),
    "paste-zh collection": (ROOT / "tests/corpora/paste-zh", ["paste-zh", "paste-en", "paste-oos"]),
    "notebook-zh collection": (ROOT / "tests/corpora/notebook-zh",
                               ["notebook-zh", "notebook-en", "notebook-oos"]),
    "docsite-zh collection": (ROOT / "tests/corpora/docsite-zh",
                              ["docsite-zh", "docsite-en", "docsite-oos"]),
}
DEV = Path("../shared/eval/dev.jsonl")


class Baseline:
    """Plain jieba + TfidfVectorizer over the lines of the notes."""

    def __init__(self, corpus: Path) -> None:
        import jieba
        from sklearn.feature_extraction.text import TfidfVectorizer

        jieba.setLogLevel(60)
        self.lines: list[str] = []
        files, _ = find_notes(corpus)
        for nf in files:
            try:
                text = decode(nf.path.read_bytes())
            except (OSError, ValueError):
                continue
            self.lines += [ln.strip() for ln in text.splitlines() if ln.strip()]
        self.vectorizer = TfidfVectorizer(tokenizer=self._cut, token_pattern=None,
                                          lowercase=True)
        self.matrix = self.vectorizer.fit_transform(self.lines)

    @staticmethod
    def _cut(text: str) -> list[str]:
        import jieba

        return [w for w in jieba.lcut_for_search(text) if w.strip()]

    def ask(self, question: str) -> dict[str, Any]:
        scores = (self.matrix @ self.vectorizer.transform([question]).T).toarray().ravel()
        order = scores.argsort()[::-1][:5]
        answers = [{"command": self.lines[i], "passage": self.lines[i], "flags": []}
                   for i in order if scores[i] > 0]
        return {"found": bool(answers), "answers": answers}


def run(verbose: bool) -> None:
    print(f"{'question set':28s} {'n':>4s}   {'baseline top1/hit3/abstain':>28s}   "
          f"{'qa top1/hit3/abstain':>24s}")
    dev = (ROOT / DEV).resolve()
    for label, (corpus, names) in SETS.items():
        baseline = Baseline(corpus)
        with tempfile.TemporaryDirectory() as tmp:
            qa = Assistant(corpus=corpus, index=tmp)
            files = [ROOT / "tests/eval" / f"{n}.jsonl" for n in names]
            if label == "shipped notes" and dev.exists():
                files.insert(0, dev)
            for path in files:
                cases = load_cases(path)
                b = evaluate(cases, baseline.ask)
                q = evaluate(cases, lambda text, qa=qa: qa.ask(text, top=5).to_dict())
                print(f"{label[:12] + ': ' + path.stem:28s} {len(cases):4d}   "
                      f"{_fmt(b.summary):>28s}   {_fmt(q.summary):>24s}")
                if verbose:
                    for rb, rq in zip(b.rows, q.rows, strict=True):
                        if not (rb.ok1 and rq.ok1):
                            print(f"    {'B' if rb.ok1 else '-'}{'Q' if rq.ok1 else '-'} "
                                  f"{rb.case['q']}")


def _fmt(s: dict[str, Any]) -> str:
    def f(v: Any) -> str:
        return "  - " if v is None else f"{v:.2f}"

    return f"{f(s['top1'])} / {f(s['hit3'])} / {f(s['oos_abstain'])}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verbose", action="store_true", help="list the questions either misses")
    run(ap.parse_args().verbose)


if __name__ == "__main__":
    main()
