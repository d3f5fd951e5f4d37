"""`Assistant`: the library's front door. Finds the notes and the index, keeps the index fresh,
answers questions. Never prints."""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import IndexUnusable, NotesNotFound, QAError
from qa.model import Answer, Explanation, Passage, Result, Source

if TYPE_CHECKING:
    from qa.index import BuildReport, Index, IndexStore
    from qa.lint import LintItem
    from qa.query import QueryAnalyzer

PACKAGE = Path(__file__).resolve().parent
FRESHNESS_SECONDS = 1.0
MAX_QUESTION = 2000  # characters of a question that are analysed
ALWAYS_CHECK_FILES = 200  # up to this many notes files, staleness costs well under a millisecond


def shipped_notes() -> Path:
    """The notes that ship with qa: `corpus/` of a checkout, or the copy inside the package."""
    checkout = PACKAGE.parent / "corpus"
    if checkout.is_dir() and (PACKAGE.parent / "pyproject.toml").is_file():
        return checkout
    return PACKAGE / "corpus"


def user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qa"


def default_index(corpus: Path) -> Path:
    """`index/` beside the shipped notes in a writable checkout; else a per-user cache folder."""
    corpus = corpus.resolve()
    if corpus == shipped_notes().resolve() and corpus.parent == PACKAGE.parent:
        beside = corpus.parent / "index"
        if os.access(beside if beside.exists() else corpus.parent, os.W_OK):
            return beside
    key = hashlib.sha256(str(corpus).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return user_cache() / f"index-{key}"


@dataclass
class _Engine:
    index: Index
    analyzer: QueryAnalyzer


class Assistant:
    """Answers questions from a notes collection.

    >>> a = Assistant()                      # the shipped notes
    >>> r = a.ask("如何删除所有容器")
    >>> r.found, r.answers[0].command
    """

    def __init__(self, corpus: str | os.PathLike[str] | None = None,
                 index: str | os.PathLike[str] | None = None, *, auto_build: bool = True) -> None:
        corpus = corpus or os.environ.get("QA_CORPUS") or shipped_notes()
        self.corpus = Path(corpus).expanduser()
        if not self.corpus.exists():
            raise NotesNotFound(f"no notes at {self.corpus}: give a Markdown file or a folder")
        index = index or os.environ.get("QA_INDEX")
        self.index_dir = Path(index).expanduser() if index else default_index(self.corpus)
        self.auto_build = auto_build
        self._engine: _Engine | None = None
        self._checked = 0.0
        self._lock = threading.RLock()
        self.last_build: BuildReport | None = None
        self.last_lint_checked = 0  # commands the last `lint()` checked

    # --- index --------------------------------------------------------------------------
    def _store(self) -> IndexStore:
        from qa.index import IndexStore

        return IndexStore(self.index_dir, self.corpus)

    def build(self, progress: object = None) -> BuildReport:
        """Build or refresh the index now (incremental: unchanged files are reused)."""
        store = self._store()
        try:
            previous = store.load()
        except IndexUnusable:
            previous = None
        try:
            report = store.build(previous, progress=progress)  # type: ignore[arg-type]
        except (PermissionError, FileExistsError, NotADirectoryError, FileNotFoundError) as e:
            # (no right to write there; a file where the folder should be, or on its path; a
            # folder that cannot be made, as under /proc)
            try:
                file = next((p for p in (self.index_dir, *self.index_dir.parents)
                             if p.exists() and not p.is_dir()), None)
            except OSError:  # (a folder on the way that may not be searched)
                file = None
            why = f"{file} is a file, not a folder" if file is not None else e.strerror
            raise IndexUnusable(f"cannot write the index at {self.index_dir}: {why}; "
                                f"point --index or QA_INDEX at a writable folder") from e
        with self._lock:
            self._engine = None
            self.last_build = report
        return report

    def _load(self) -> _Engine:
        from qa.index import find_notes
        from qa.lexicon import load_lexicon
        from qa.query import QueryAnalyzer
        from qa.tokenize import Tokenizer

        store = self._store()
        damage: IndexUnusable | None = None
        try:
            index = store.load()
        except IndexUnusable as e:
            index, damage = None, e  # damaged: rebuilt below, when building is allowed
        if self.auto_build:
            files, _ = find_notes(self.corpus)

            def usable(ix: Index | None) -> bool:
                try:
                    return ix is not None and not store.stale(ix, files)
                except (KeyError, TypeError, ValueError, AttributeError):
                    return False  # a manifest of the wrong shape: rebuild

            if not usable(index):
                try:
                    with store.lock():  # another process may be building it: wait, look again
                        pass
                    index = store.load()
                except (OSError, IndexUnusable):
                    index = None
                if not usable(index):
                    self.build()
                    index = store.load()
        if index is None:
            if damage is not None:
                raise damage
            raise IndexUnusable(f"no index at {self.index_dir}: run `qa index`")
        lexicon = load_lexicon()
        # questions are short: no prefix dictionary to build before the first one
        tokenizer = Tokenizer(index.words, index.total, lexicon, prefixes=False)
        flags = frozenset(t for t in index.terms if t.startswith("-"))
        return _Engine(index, QueryAnalyzer(tokenizer, lexicon, index.vocab, flags))

    def engine(self) -> _Engine:
        """The loaded index, rebuilt first when the notes changed: checked on every question
        for a few notes, at most once every FRESHNESS_SECONDS for many (a long-lived
        assistant sees edits without paying for it on every question)."""
        with self._lock:
            now = time.monotonic()
            if self._engine is not None and self.auto_build and (
                    now - self._checked > FRESHNESS_SECONDS
                    or len(self._engine.index.manifest["files"]) <= ALWAYS_CHECK_FILES):
                from qa.index import find_notes

                files, _ = find_notes(self.corpus)
                if self._store().stale(self._engine.index, files):
                    self._engine = None
                self._checked = now
            if self._engine is None:
                self._engine = self._load()
                self._checked = time.monotonic()
            return self._engine

    def warm_up(self) -> None:
        """Load (and build if needed) the index now rather than at the first question."""
        self.engine()

    # --- questions ----------------------------------------------------------------------
    def ask(self, question: str, top: int = 5) -> Result:
        """Answer one question: the best passages of the notes, or `found=False`."""
        from qa.lint import answer_warnings
        from qa.search import (
            MIN_COVERAGE,
            answerable,
            command_first,
            error_output,
            fix_after,
            named_first,
            rank,
        )

        eng = self.engine()
        # a question is a sentence: what follows the first few thousand characters of a
        # pasted page cannot change the answer, only delay it
        q = eng.analyzer.analyze(question[:MAX_QUESTION])
        hits = named_first(eng.index, q, rank(eng.index, q, limit=max(top, 1) * 3))
        found = answerable(eng.index, q, hits)
        if found:
            hits = command_first(eng.index, q, hits)
        best = eng.index.passage(hits[0].doc) if found else None
        if best and error_output(best) and not (q.explain and best.kind == "prose") \
                and (fix := fix_after(eng.index, hits[0].doc)) is not None:
            # a pasted error is answered by the fix the notes give after it, then the error
            # (a sentence quoting the error may be what a why-question asks for)
            hits = [replace(hits[0], doc=fix), *hits]
        did_you_mean = tuple(fixed for typed, fixed in q.corrections if typed.startswith("-"))
        if not found:
            nearest = tuple(dict.fromkeys(
                _topic(eng.index.passage(h.doc)) for h in hits[:6]))[:3]
            return Result(question, False, q.lang, (), nearest, did_you_mean, q.read_as)
        answers: list[Answer] = []
        seen: set[str] = set()
        for h in hits:
            p = eng.index.passage(h.doc)
            key = p.text
            if key in seen or answers and h.coverage < MIN_COVERAGE:
                continue  # a repeat, or a further answer that does not answer enough
            seen.add(key)
            # the first answer's similarity, the others' scaled by how far below it they rank:
            # scores fall as the answers go down, as a reader of the JSON expects (also below
            # an answer put first for what it is: a command for a task, a tool the question names)
            score = h.score
            if answers:
                score = min(answers[-1].score, answers[0].score * h.rank / hits[0].rank
                            if hits[0].rank else 0.0)
            answers.append(Answer(score, p, answer_warnings(p, q.lang, eng.index.all_passages)))
            if len(answers) >= top:
                break
        return Result(question, True, q.lang, tuple(answers), (), did_you_mean, q.read_as)

    def topics(self, question: str) -> tuple[str, ...]:
        """The content words of a question as typed, in order (`删除所有容器`: 删除 所有 容器)."""
        eng = self.engine()
        return tuple(g.label for g in eng.analyzer.analyze(question).groups)

    def matched(self, question: str, passage: Passage) -> tuple[str, ...]:
        """The content words of a question that a passage speaks of (a subset of `topics`)."""
        from qa.index import passage_terms

        eng = self.engine()
        terms = set(passage_terms(passage, eng.analyzer.tok))
        return tuple(g.label for g in eng.analyzer.analyze(question).groups if g.terms & terms)

    def around(self, source: Source, lines: int = 3) -> tuple[tuple[int, str], ...]:
        """The note's lines around a source, `lines` before and after: (line number, text)."""
        from qa.notes import decode

        path = self._note_file(source.path)
        try:
            text = decode(path.read_bytes())
        except (OSError, ValueError) as e:
            raise NotesNotFound(f"cannot read {source.path}: {e}; run `qa index`") from e
        all_lines = text.split("\n")
        first = max(1, source.line - lines)
        last = min(len(all_lines), source.end_line + lines)
        return tuple((n, all_lines[n - 1]) for n in range(first, last + 1))

    def note_file(self, shown: str) -> Path | None:
        """The file on disk of a source path as answers give it (None: not in the notes)."""
        try:
            return self._note_file(shown)
        except (QAError, OSError, RuntimeError):  # (not in the notes; unreadable; a link loop)
            return None

    def _note_file(self, shown: str) -> Path:
        """A source path as answers show it -> the file on disk (never outside the notes)."""
        corpus = self.corpus.resolve()
        if corpus.is_file():
            if Path(shown).name == corpus.name:
                return corpus
        else:
            path = (corpus.parent / shown).resolve()
            if path.is_relative_to(corpus) and path.is_file():
                return path
        raise QAError(f"{shown} is not in the notes at {self.corpus}: run `qa index`")

    def lint(self) -> list[LintItem]:
        """The notes' commands and flag entries checked against Docker's CLI (nothing is run):
        typos, removed or deprecated flags, each with its fix, in file and line order."""
        from qa.lint import lint_passages

        items, self.last_lint_checked = lint_passages(self.engine().index.all_passages(),
                                                      self.corpus)
        return items

    def explain(self, command_line: str) -> Explanation:
        """Each token of a command line against the flags the notes describe."""
        from qa.flags import explain

        eng = self.engine()
        return explain(command_line, eng.index)


def _topic(p: object) -> str:
    from qa.model import Passage

    assert isinstance(p, Passage)
    label = (p.description or p.command or p.text).splitlines()[0]
    label = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", label).strip()  # a link: its words
    if not label or re.match(r"(?:https?://|\[?https?:)", label):  # a bare address says little
        label = p.section.rsplit(" > ", 1)[-1]
    return label[:40]
