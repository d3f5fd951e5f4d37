"""The TF-IDF index of a notes collection: build (scikit-learn), save, load (numpy only), staleness.

On disk, an index folder holds `CURRENT` (the name of the active build) and build folders.
A build folder holds:
  manifest.json   format, tokenizer settings, per-file content hashes, checksums of the rest
  passages.jsonl  one passage a line (read lazily by byte offset)
  vocab.json      the terms, in column order
  words.json      the dictionary slice that segments questions like the notes
  postings.npz    term -> (passage, weight) postings, idf, passage offsets
  counts.npz      raw term counts a passage and each file's link facts (reused for unchanged
                  files on the next build; not read on the query path)
Nothing is ever unpickled: JSON and `.npz` read with `allow_pickle=False`.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from qa.errors import IndexUnusable, NotesNotFound
from qa.model import FlagEntry, Passage
from qa.notes import PARSER_VERSION, command_family, decode, parse_text

if TYPE_CHECKING:
    import numpy as np

    from qa.tokenize import Tokenizer

FORMAT = 1
NOTE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".txt")
_FILES = ("passages.jsonl", "vocab.json", "words.json", "postings.npz", "counts.npz")
_SHORT_RUN = re.compile(r"(?<!\S)-([A-Za-z]{2,4})(?![\w-])")


@dataclass(frozen=True)
class NoteFile:
    location: str  # on disk
    shown: str  # as sources show it

    @property
    def path(self) -> Path:
        return Path(self.location)


@dataclass
class BuildReport:
    """What `build` did: counts, reused files, and files it had to skip (with why)."""

    files: int = 0
    parsed: int = 0
    reused: int = 0
    passages: int = 0
    terms: int = 0
    seconds: float = 0.0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    rebuilt: bool = True


def find_notes(corpus: Path) -> tuple[list[NoteFile], list[tuple[str, str]]]:
    """The notes files of a corpus (a file or a folder), in a stable order (a folder's files,
    then its sub-folders, by name), and what was skipped on the way."""
    skipped: list[tuple[str, str]] = []
    if corpus.is_file():
        return [NoteFile(os.fspath(corpus), corpus.name)], skipped
    if not corpus.is_dir():
        raise NotesNotFound(
            f"no notes at {corpus}: give --corpus a Markdown file or a folder of them")
    out: list[NoteFile] = []
    seen: set[tuple[int, int]] = set()
    stack = [(os.fspath(corpus), corpus.name)]
    while stack:  # plain strings and scandir: this runs before every answer on a large folder
        folder, shown = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in seen:  # a symlink loop: walk each real folder once
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            skipped.append((folder, e.strerror or "unreadable"))
            continue
        below = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            inner = f"{shown}/{name}" if shown else name
            if is_dir:
                if name != "node_modules":
                    below.append((entry.path, inner))
            elif name.lower().endswith(NOTE_SUFFIXES):
                out.append(NoteFile(entry.path, inner))
        stack.extend(reversed(below))
    return out, skipped


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- indexed text of a passage -------------------------------------------------------------
_QUOTED = re.compile(r'"[^"]*"' + r"|'[^']*'")
BACKGROUND = "~"  # prefix of terms from a passage's surroundings (context, section)


def indexed_text(p: Passage) -> list[tuple[str, int, bool]]:
    """The fields of a passage that are indexed: (text, repetitions, background?).

    Background fields (the sentence introducing a group of commands, the section, what a
    command's flags do) are indexed under their own terms, so a match there counts less."""
    if p.kind == "command":
        flags = " ".join(f.description for f in p.flags)
        # quoted arguments ("centos with git") are data the command carries, not what it does
        quoted = " ".join(m.group(0) for m in _QUOTED.finditer(p.command or ""))
        command = _QUOTED.sub(" ", p.command or "")
        return [(p.description, 2, False), (command, 2, False), (p.context, 1, True),
                (p.section, 1, True), (flags, 1, True), (quoted, 1, True)]
    if p.kind == "flag":
        # the words of a long flag's name are English for what it does (--publish-all)
        words = " ".join(f.long.lstrip("-").replace("-", " ") for f in p.flags if f.long)
        return [(p.text, 2, False), (words, 1, False), (p.context, 1, True),
                (p.section, 1, True)]
    if p.kind == "code":
        return [(p.description, 2, False), (p.text, 1, False), (p.context, 1, True),
                (p.section, 1, True)]
    return [(p.text, 2, False), (p.section, 1, True)]


class _Terms(Protocol):
    def terms(self, text: str) -> list[str]: ...


def field_terms(text: str, weight: int, background: bool, tok: _Terms) -> list[str]:
    """The terms one field of a passage adds (see `indexed_text`)."""
    if not text:
        return []
    terms = tok.terms(text)
    if background:
        terms = [BACKGROUND + t for t in terms]
    return terms * weight


def passage_terms(p: Passage, tok: _Terms) -> list[str]:
    out: list[str] = []
    for text, weight, background in indexed_text(p):
        out += field_terms(text, weight, background, tok)
    return out


def flags_in(command: str) -> list[str]:
    """Flag names used in a command line, combined short flags split (`-aq` -> `-a`, `-q`)."""
    names = re.findall(r"(?<![\w./:=-])(--?[A-Za-z][\w-]*)", command)
    out: list[str] = []
    for n in names:
        m = _SHORT_RUN.fullmatch(n)
        out += [f"-{c}" for c in m.group(1)] if m and not n.startswith("--") else [n.split("=")[0]]
    return out


class LinkFacts:
    """What linking learns from all the notes, first occurrence first: the flag entry of each
    (command family, flag name), and the first command that uses each (family, flag name).
    Facts of several files merge in file order, so files can be parsed apart (and reused)."""

    def __init__(self) -> None:
        self.table: dict[tuple[str | None, str], FlagEntry] = {}
        self.examples: dict[tuple[str | None, str], str] = {}

    def add(self, passages: list[Passage]) -> LinkFacts:
        for p in passages:
            for f in p.flags:
                for name in f.names:
                    self.table.setdefault((f.command, name), f)
            if p.kind == "command" and p.command:
                family = command_family(p.command)
                for name in flags_in(p.command):
                    self.examples.setdefault((family, name), p.command)
        return self

    def update(self, other: LinkFacts) -> None:
        for k, v in other.table.items():
            self.table.setdefault(k, v)
        for k, c in other.examples.items():
            self.examples.setdefault(k, c)

    def changed(self, other: LinkFacts) -> set[tuple[str | None, str]]:
        """The keys whose fact differs between the two."""
        out = {k for k in self.table.keys() | other.table.keys()
               if self.table.get(k) != other.table.get(k)}
        return out | {k for k in self.examples.keys() | other.examples.keys()
                      if self.examples.get(k) != other.examples.get(k)}

    def apply(self, p: Passage) -> Passage:
        """The passage linked: a flag entry gets an example command, a command the entries of
        the flags it uses. The same passage object when nothing changes."""
        table = self.table
        if not table:
            return p
        if p.kind == "flag" and p.command is None and p.flags:
            # a flag entry's runnable line: the first command of the notes that uses it
            f = p.flags[0]
            example = next((self.examples[(f.command, n)] for n in f.names
                            if (f.command, n) in self.examples), None)
            if example:
                p = Passage(p.kind, p.text, example, p.description, p.section, p.source,
                            p.context, p.flags)
        if p.kind == "command" and p.command:
            family = command_family(p.command)
            have = {n for f in p.flags for n in f.names}
            extra = []
            for name in dict.fromkeys(flags_in(p.command)):
                entry = table.get((family, name))
                if entry and name not in have:
                    extra.append(entry)
                    have.update(entry.names)
            if extra:
                p = Passage(p.kind, p.text, p.command, p.description, p.section, p.source,
                            p.context, p.flags + tuple(extra))
        return p

    def to_json(self) -> list[Any]:
        return [[[k[0], k[1], f.to_dict()] for k, f in self.table.items()],
                [[k[0], k[1], c] for k, c in self.examples.items()]]

    @classmethod
    def from_json(cls, data: list[Any]) -> LinkFacts:
        facts = cls()
        facts.table = {(c, n): FlagEntry.from_dict(f) for c, n, f in data[0]}
        facts.examples = {(c, n): cmd for c, n, cmd in data[1]}
        return facts


def link_keys(p: Passage) -> list[tuple[str | None, str]]:
    """The facts `LinkFacts.apply` looks up for this passage (none: linking leaves it alone)."""
    if p.kind == "flag" and p.command is None and p.flags:
        f = p.flags[0]
        return [(f.command, n) for n in f.names]
    if p.kind == "command" and p.command:
        family = command_family(p.command)
        return [(family, n) for n in dict.fromkeys(flags_in(p.command))]
    return []


def link_flags(passages: list[Passage]) -> list[Passage]:
    """Give each command the flag entries (of its own command family) that it uses, and each
    flag entry an example command."""
    facts = LinkFacts().add(passages)
    return [facts.apply(p) for p in passages]


# --- loading -------------------------------------------------------------------------------
class Index:
    """A built index, read with numpy only. Thread-safe for reading."""

    def __init__(self, root: Path) -> None:
        import numpy as np

        self.root = root
        try:
            self.manifest: dict[str, Any] = json.loads((root / "manifest.json").read_text("utf-8"))
            if self.manifest.get("format") != FORMAT:
                raise IndexUnusable(f"index at {root} has another format")
            for name, digest in self.manifest["checksums"].items():
                if name in ("counts.npz",):
                    continue  # only needed when building; checked there
                if _sha((root / name).read_bytes()) != digest:
                    raise IndexUnusable(f"index file {name} is damaged")
            terms = json.loads((root / "vocab.json").read_text("utf-8"))
            words = json.loads((root / "words.json").read_text("utf-8"))
            with np.load(root / "postings.npz", allow_pickle=False) as z:
                self.indptr = z["indptr"]
                self.docs = z["docs"]
                self.weights = z["weights"]
                self.idf = z["idf"]
                self.offsets = z["offsets"]
        except IndexUnusable:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise IndexUnusable(f"index at {root} cannot be read ({e.__class__.__name__})") from e
        if len(terms) + 1 != len(self.indptr) or len(self.idf) != len(terms):
            raise IndexUnusable(f"index at {root} is inconsistent")
        self.terms: list[str] = terms
        self.vocab = {t: i for i, t in enumerate(terms)}
        self.words: dict[str, int] = words["words"]
        self.total: int = words["total"]
        self.n = len(self.offsets) - 1
        self._passages: dict[int, Passage] = {}
        self._lock = threading.Lock()
        self._fh = None

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        col = self.vocab.get(term)
        if col is None:
            return None
        a, b = self.indptr[col], self.indptr[col + 1]
        return self.docs[a:b], self.weights[a:b]

    def passage(self, i: int) -> Passage:
        p = self._passages.get(i)
        if p is None:
            with self._lock:
                with (self.root / "passages.jsonl").open("rb") as f:
                    f.seek(int(self.offsets[i]))
                    raw = f.read(int(self.offsets[i + 1] - self.offsets[i]))
                p = Passage.from_dict(json.loads(raw))
                self._passages[i] = p
        return p

    def all_passages(self) -> Iterator[Passage]:
        with (self.root / "passages.jsonl").open("rb") as f:
            for line in f:
                yield Passage.from_dict(json.loads(line))


# --- the index folder ------------------------------------------------------------------------
class IndexStore:
    """An index folder: which build is current, staleness against the notes, locked rebuilds."""

    def __init__(self, folder: Path, corpus: Path) -> None:
        self.folder = folder
        self.corpus = corpus

    def current(self) -> Path | None:
        try:
            name = (self.folder / "CURRENT").read_text("utf-8").strip()
        except OSError:
            return None
        if not re.fullmatch(r"build-[\w.-]+", name):
            return None
        return self.folder / name

    def load(self) -> Index | None:
        root = self.current()
        if root is None or not (root / "manifest.json").exists():
            return None
        return Index(root)

    def stale(self, index: Index, files: list[NoteFile] | None = None) -> bool:
        """Have the notes changed since this index was built? (stat first, hash on doubt)."""
        recorded: dict[str, dict[str, Any]] = index.manifest["files"]
        if not _same_rules(index.manifest):
            return True
        if index.manifest.get("corpus") != str(self.corpus.resolve()):
            return True
        if files is None:
            files, _ = find_notes(self.corpus)
        if len(files) != len(recorded):
            return True
        for nf in files:
            rec = recorded.get(nf.shown)
            if rec is None:
                return True
            try:
                st = os.stat(nf.location)
            except OSError:
                if rec["sha256"]:
                    return True
                continue  # unreadable then, unreadable now
            if st.st_size == rec["size"] and st.st_mtime_ns == rec["mtime_ns"]:
                continue
            try:
                with open(nf.location, "rb") as fh:
                    if _sha(fh.read()) != rec["sha256"]:
                        return True
            except OSError:
                return True
        return False

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        import fcntl

        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.folder / ".lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def build(self, previous: Index | None = None, jobs: int = 0,
              progress: Callable[[int, int], None] | None = None) -> BuildReport:
        """Build (or refresh) the index under the folder lock, then make it current atomically."""
        with self.lock():
            try:
                previous = previous or self.load()
            except IndexUnusable:
                previous = None
            tmp = Path(tempfile.mkdtemp(prefix="build-", dir=self.folder))
            try:
                report = _build_into(tmp, self.corpus, previous, jobs, progress)
                os.chmod(tmp, 0o700)
                pointer = self.folder / "CURRENT.tmp"
                pointer.write_text(tmp.name, "utf-8")
                os.replace(pointer, self.folder / "CURRENT")
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            self._prune(keep={tmp.name, previous.root.name if previous else ""})
            return report

    def _prune(self, keep: set[str]) -> None:
        """Remove builds other than the current and the previous one (readers may hold it)."""
        for p in self.folder.glob("build-*"):
            if p.name not in keep:
                shutil.rmtree(p, ignore_errors=True)


# --- building --------------------------------------------------------------------------------
# One direction: files are read, parsed and tokenised in chunks (by forked worker processes on
# a large collection), each chunk coming back as JSON lines and term counts; the main process
# then links flags across files, weighs terms (scikit-learn) and writes the build.
CHUNK_FILES = 64  # files a worker takes at a time
PARALLEL_FILES = 300  # fewer files than this to parse: no worker processes (they cost ~0.2 s)
_STATE: _Tokenising | None = None  # the tokenising side, inherited by forked workers
_POOLS = itertools.count()


@dataclass
class _Parsed:
    """One notes file, parsed and tokenised (its passages not linked yet)."""

    shown: str
    sha256: str = ""
    size: int = 0
    mtime_ns: int = 0
    error: str | None = None
    unchanged: bool = False  # the content of the previous build: reuse it
    lines: list[bytes] = field(default_factory=list)  # passages as JSON lines
    candidates: list[tuple[int, Passage]] = field(default_factory=list)  # linking may change
    facts: LinkFacts = field(default_factory=LinkFacts)
    lookups: list[tuple[str | None, str]] = field(default_factory=list)
    lengths: Any = None  # distinct terms of each passage, their columns and counts (numpy)
    columns: Any = None
    counts: Any = None


@dataclass
class _Chunk:
    """What a worker returns for a run of files: the terms new to that worker, then counts."""

    worker: str
    new_terms: list[str]
    files: list[_Parsed]
    lengths: Any  # distinct terms of each passage (np.int32)
    ids: Any  # the worker's term ids (np.int32)
    counts: Any  # (np.float32)


class _Tokenising:
    """The parse-and-tokenise side of a build: a tokenizer and the term ids it handed out."""

    def __init__(self, tok: Tokenizer, name: str) -> None:
        self.tok = tok
        self.name = name  # with the process id: whose term ids a chunk's are
        self.vocab: dict[str, int] = {}
        self.memo: dict[str, list[str]] = {}  # sections, contexts and commands repeat

    def terms(self, text: str) -> list[str]:
        t = self.memo.get(text)
        if t is None:
            if len(self.memo) >= 100_000:
                self.memo.clear()
            t = self.memo[text] = self.tok.terms(text)
        return t

    def run(self, work: list[tuple[str, str, str | None]]) -> _Chunk:
        from array import array

        import numpy as np

        new: list[str] = []
        lengths, ids, counts = array("i"), array("i"), array("f")
        vocab = self.vocab
        out = []
        for shown, path, known_sha in work:
            r, passages = _parse_file(shown, path, known_sha)
            out.append(r)
            for i, p in enumerate(passages):
                r.lines.append(_line(p))
                keys = link_keys(p)
                if keys:
                    r.candidates.append((i, p))
                    r.lookups.extend(keys)
                row: dict[int, int] = {}
                for t in passage_terms(p, self):
                    c = vocab.get(t)
                    if c is None:
                        c = vocab[t] = len(vocab)
                        new.append(t)
                    row[c] = row.get(c, 0) + 1
                lengths.append(len(row))
                ids.extend(row)
                counts.extend(row.values())
            r.facts.add(passages)
            r.lookups = list(dict.fromkeys(r.lookups))
        return _Chunk(f"{self.name}.{os.getpid()}", new, out, np.frombuffer(lengths, np.int32),
                      np.frombuffer(ids, np.int32), np.frombuffer(counts, np.float32))


def _run_chunk(work: list[tuple[str, str, str | None]]) -> _Chunk:
    assert _STATE is not None
    return _STATE.run(work)


def _parse_file(shown: str, path: str, known_sha: str | None) -> tuple[_Parsed, list[Passage]]:
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            data = fh.read()
    except OSError as e:
        r = _Parsed(shown, error=e.strerror or "unreadable")
        with contextlib.suppress(OSError):
            st = os.stat(path)
            r.size, r.mtime_ns = st.st_size, st.st_mtime_ns
        return r, []
    r = _Parsed(shown, _sha(data), st.st_size, st.st_mtime_ns)
    if r.sha256 == known_sha:
        r.unchanged = True
        return r, []
    try:
        text = decode(data)
    except ValueError as e:
        r.error = str(e)
        return r, []
    return r, parse_text(text, shown).passages


def _line(p: Passage) -> bytes:
    return json.dumps(p.to_dict(), ensure_ascii=False).encode("utf-8") + b"\n"


def _tokenise(work: list[tuple[str, str, str | None]], state: _Tokenising, jobs: int,
              progress: Callable[[int], None]) -> Iterator[_Chunk]:
    """Parse and tokenise files in chunks, by `jobs` worker processes; chunks come in order."""
    chunks = [work[i:i + CHUNK_FILES] for i in range(0, len(work), CHUNK_FILES)]
    import multiprocessing

    if jobs <= 0:
        jobs = os.cpu_count() or 1
    if len(work) < PARALLEL_FILES or "fork" not in multiprocessing.get_all_start_methods():
        jobs = 1
    jobs = min(jobs, len(chunks))
    if jobs <= 1:
        for c in chunks:
            yield state.run(c)
            progress(len(c))
        return
    global _STATE
    # forked workers start from this: the tokenizer ready, no term ids handed out yet
    _STATE = _Tokenising(state.tok, f"pool{next(_POOLS)}")
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for c, result in zip(chunks, pool.imap(_run_chunk, chunks), strict=True):
                yield result
                progress(len(c))
    finally:
        _STATE = None


class _Previous:
    """What a build may reuse from the previous one: passages as bytes, counts, link facts."""

    def __init__(self, index: Index) -> None:
        import numpy as np

        with np.load(index.root / "counts.npz", allow_pickle=False) as z:
            self.data, self.indices, self.indptr = z["data"], z["indices"], z["indptr"]
            meta = json.loads(z["links"].tobytes().decode("utf-8"))
        self.links: dict[str, Any] = meta["files"]
        self.raw = (index.root / "passages.jsonl").read_bytes()
        if _sha(self.raw) != index.manifest["checksums"]["passages.jsonl"]:
            raise ValueError("passages.jsonl is not the one recorded")
        self.offsets = index.offsets
        self.terms = index.terms
        self.files: dict[str, dict[str, Any]] = index.manifest["files"]

    def facts(self) -> LinkFacts:
        out = LinkFacts()
        for shown in self.files:
            if shown in self.links:
                out.update(LinkFacts.from_json(self.links[shown][0]))
        return out


class _Assembly:
    """The main side of a build: passages and term counts of every file, in file order."""

    def __init__(self, prev: _Previous | None) -> None:
        self.prev = prev
        self.vocab: dict[str, int] = {}  # term -> column (as they come; sorted at the end)
        self.maps: dict[str, list[int]] = {}  # worker -> the column of each of its term ids
        self.prev_columns: Any = None
        self.blobs: list[bytes] = []  # passages.jsonl, a file at a time
        self.line_lengths: list[Any] = []
        self.lengths: list[Any] = []
        self.columns: list[Any] = []
        self.counts: list[Any] = []
        self.rows = 0
        self.files: dict[str, dict[str, Any]] = {}
        self.links: dict[str, Any] = {}  # shown -> [link facts, lookups] (for the next build)
        self.unreadable: list[str] = []
        self.candidates: list[tuple[int, Passage]] = []
        self.edits: dict[int, bytes] = {}  # passage -> its linked JSON line
        self.delta: list[tuple[int, str, int]] = []  # (passage, term, count) linking adds

    def columns_of(self, terms: Iterable[str], n: int) -> Any:
        import numpy as np

        v = self.vocab
        return np.fromiter((v.setdefault(t, len(v)) for t in terms), np.int32, n)

    def split(self, chunk: _Chunk) -> None:
        """Give each file of a chunk its share of the chunk's counts, as columns."""
        import numpy as np

        m = self.maps.setdefault(chunk.worker, [])
        m.extend(self.columns_of(chunk.new_terms, len(chunk.new_terms)).tolist())
        columns = np.asarray(m, dtype=np.int32)[chunk.ids]
        ends = np.zeros(len(chunk.lengths) + 1, np.int64)
        np.cumsum(chunk.lengths, out=ends[1:])
        row = 0
        for r in chunk.files:
            n = len(r.lines)
            a, b = ends[row], ends[row + n]
            r.lengths, r.columns, r.counts = (chunk.lengths[row:row + n], columns[a:b],
                                              chunk.counts[a:b])
            row += n

    def add_parsed(self, r: _Parsed) -> None:
        import numpy as np

        rec: dict[str, Any] = {"sha256": r.sha256, "size": r.size, "mtime_ns": r.mtime_ns}
        self.files[r.shown] = rec
        if r.error is not None:
            self.unreadable.append(r.shown)
            return
        start = self.rows
        self.candidates.extend((start + i, p) for i, p in r.candidates)
        self.blobs.append(b"".join(r.lines))
        self.line_lengths.append(np.fromiter(map(len, r.lines), np.int64, len(r.lines)))
        self.lengths.append(r.lengths)
        self.columns.append(r.columns)
        self.counts.append(r.counts)
        self.rows += len(r.lines)
        rec["rows"] = [start, self.rows]
        self.links[r.shown] = [r.facts.to_json(), r.lookups]
        r.lines = []  # in the blob now

    def add_reused(self, shown: str, rec: dict[str, Any]) -> None:
        prev = self.prev
        assert prev is not None
        if self.prev_columns is None:
            self.prev_columns = self.columns_of(prev.terms, len(prev.terms))
        a, b = rec["rows"]
        o, p = prev.offsets, prev.indptr
        self.blobs.append(prev.raw[o[a]:o[b]])
        self.line_lengths.append(o[a + 1:b + 1] - o[a:b])
        self.lengths.append((p[a + 1:b + 1] - p[a:b]).astype("int32"))
        self.columns.append(self.prev_columns[prev.indices[p[a]:p[b]]])
        self.counts.append(prev.data[p[a]:p[b]])
        start = self.rows
        self.rows += b - a
        self.files[shown] = {**rec, "rows": [start, self.rows]}
        self.links[shown] = prev.links.get(shown) or [[[], []], []]

    def link(self, facts: LinkFacts, tok: _Terms) -> None:
        """Link flags across files (`link_flags`), and count the terms linking adds."""
        from collections import Counter
        from itertools import zip_longest

        for row, p in self.candidates:
            q = facts.apply(p)
            if q is p:
                continue
            self.edits[row] = _line(q)
            change: Counter[str] = Counter()
            for before, after in zip_longest(indexed_text(p), indexed_text(q)):
                if before != after:  # only the fields linking changed are tokenised again
                    if before:
                        change.subtract(field_terms(before[0], before[1], before[2], tok))
                    if after:
                        change.update(field_terms(after[0], after[1], after[2], tok))
            self.delta.extend((row, t, c) for t, c in change.items() if c)

    def counts_matrix(self) -> tuple[Any, list[str]]:
        """Term counts of every passage (CSR), columns in sorted term order; and the terms."""
        import numpy as np
        from scipy import sparse

        n = self.rows
        indptr = np.zeros(n + 1, np.int64)
        if self.lengths:
            np.cumsum(np.concatenate(self.lengths), out=indptr[1:])
        columns = np.concatenate(self.columns) if self.columns else np.zeros(0, np.int32)
        counts = np.concatenate(self.counts) if self.counts else np.zeros(0, np.float32)
        if self.delta:
            cols = self.columns_of((d[1] for d in self.delta), len(self.delta))
        v = len(self.vocab)
        m = sparse.csr_matrix((counts.astype(np.float32), columns, indptr), shape=(n, v))
        if self.delta:
            rows = np.fromiter((d[0] for d in self.delta), np.int64, len(self.delta))
            vals = np.fromiter((d[2] for d in self.delta), np.float32, len(self.delta))
            m = (m + sparse.csr_matrix((vals, (rows, cols)), shape=(n, v))).tocsr()
            m.eliminate_zeros()
        # terms only removed or changed files had are dropped, the rest sorted: the columns
        # depend neither on the order files were read in nor on what was reused
        terms = list(self.vocab)
        used = np.flatnonzero(np.bincount(m.indices, minlength=v)).tolist()
        order = sorted(used, key=terms.__getitem__)
        new = np.full(v, -1, np.int32)
        new[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int32)
        m = sparse.csr_matrix((m.data.astype(np.float32), new[m.indices], m.indptr),
                              shape=(n, len(order)))
        m.sort_indices()
        return m, [terms[c] for c in order]

    def write_passages(self, path: Path) -> Any:
        """passages.jsonl; returns the byte offset of each passage (and of the end)."""
        import numpy as np

        lengths = np.concatenate(self.line_lengths) if self.line_lengths else np.zeros(0, np.int64)
        for row, line in self.edits.items():
            lengths[row] = len(line)
        offsets = np.zeros(len(lengths) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        edits = sorted(self.edits.items())
        k = 0
        with path.open("wb") as f:
            row = 0
            for blob in self.blobs:
                rows = blob.count(b"\n")
                if k == len(edits) or edits[k][0] >= row + rows:
                    f.write(blob)  # no linked passage in this file: as it came
                else:
                    for line in blob.splitlines(keepends=True):
                        if k < len(edits) and edits[k][0] == row:
                            line = edits[k][1]
                            k += 1
                        f.write(line)
                        row += 1
                    continue
                row += rows
        return offsets


def _build_into(out: Path, corpus: Path, previous: Index | None, jobs: int,
                progress: Callable[[int, int], None] | None) -> BuildReport:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfTransformer

    from qa.tokenize import Tokenizer

    t0 = time.perf_counter()
    files, skipped = find_notes(corpus)
    report = BuildReport(files=len(files), skipped=skipped)
    prev: _Previous | None = None
    if previous is not None and _same_rules(previous.manifest):
        try:
            prev = _Previous(previous)
        except (OSError, ValueError, KeyError, TypeError):
            prev = None  # an index of an older layout, or damaged: build from scratch
    asm = _Assembly(prev)

    # files with the size and mtime recorded are reused; the rest are read (and reused if
    # their content is what was recorded)
    reuse: dict[str, dict[str, Any]] = {}
    work: list[tuple[str, str, str | None]] = []
    for nf in files:
        rec = prev.files.get(nf.shown) if prev else None
        if rec is not None and "rows" not in rec:
            rec = None
        if rec is not None:
            try:
                st = os.stat(nf.location)
                if st.st_size == rec["size"] and st.st_mtime_ns == rec["mtime_ns"]:
                    reuse[nf.shown] = rec
                    continue
            except OSError:
                pass
        work.append((nf.shown, nf.location, rec["sha256"] if rec else None))

    state: _Tokenising | None = None
    parsed: dict[str, _Parsed] = {}

    def tokenise(batch: list[tuple[str, str, str | None]]) -> None:
        nonlocal state
        if not batch:
            return
        if state is None:
            tok = Tokenizer.full()
            tok.terms("预热")  # fill the segmenter once, before any worker is forked
            state = _Tokenising(tok, "main")
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            if progress:
                for k in range(done, done + n):
                    progress(k, len(batch))
            done += n

        for chunk in _tokenise(batch, state, jobs, tick):
            asm.split(chunk)
            for r in chunk.files:
                parsed[r.shown] = r
                if r.unchanged:
                    rec = prev.files[r.shown] if prev else {}
                    reuse[r.shown] = {**rec, "size": r.size, "mtime_ns": r.mtime_ns}

    tokenise(work)
    # Linking reads facts from every file. A reused file whose passages look up a fact that
    # changed (a flag table edited elsewhere) is parsed again.
    facts = LinkFacts()
    for nf in files:
        r = parsed.get(nf.shown)
        if r is not None and not r.unchanged:
            facts.update(r.facts)
        elif nf.shown in reuse and prev is not None and nf.shown in prev.links:
            facts.update(LinkFacts.from_json(prev.links[nf.shown][0]))
    if prev is not None and reuse:
        changed = facts.changed(prev.facts())
        if changed:
            again: list[tuple[str, str, str | None]] = []
            for nf in files:
                looks_up = prev.links.get(nf.shown, [[], []])[1]
                if nf.shown in reuse and changed.intersection(map(tuple, looks_up)):
                    del reuse[nf.shown]
                    again.append((nf.shown, nf.location, None))
            tokenise(again)

    for nf in files:
        r = parsed.get(nf.shown)
        if nf.shown in reuse:
            asm.add_reused(nf.shown, reuse[nf.shown])
            report.reused += 1
        elif r is not None:
            asm.add_parsed(r)
            if r.error is not None:
                report.skipped.append((nf.shown, r.error))
            else:
                report.parsed += 1
    if not asm.rows:
        raise NotesNotFound(f"nothing to index in {corpus}: no readable Markdown notes found")
    if asm.candidates:
        assert state is not None
        asm.link(facts, state)
    counts_m, terms = asm.counts_matrix()
    tfidf = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2")
    weights = tfidf.fit_transform(counts_m).tocsc()
    weights.sort_indices()

    offsets = asm.write_passages(out / "passages.jsonl")
    (out / "vocab.json").write_text(json.dumps(terms, ensure_ascii=False), "utf-8")
    if state is None and previous is not None and prev is not None and terms == prev.terms:
        shutil.copyfile(previous.root / "words.json", out / "words.json")  # same terms
        settings = previous.manifest["tokenizer"]
    else:
        tok = state.tok if state is not None else Tokenizer.full()
        words = tok.dictionary_for(t for t in terms if _has_cjk(t))
        words.update(tok.dictionary_for(tok.lexicon.zh_words | tok.lexicon.stop_zh))
        words.update(tok.common_words())
        (out / "words.json").write_text(json.dumps({"total": tok.total, "words": words},
                                                   ensure_ascii=False), "utf-8")
        settings = tok.settings
    np.savez(out / "postings.npz", indptr=weights.indptr.astype(np.int64),
             docs=weights.indices.astype(np.int32), weights=weights.data.astype(np.float32),
             idf=tfidf.idf_.astype(np.float32), offsets=offsets)
    links = json.dumps({"files": asm.links}, ensure_ascii=False).encode("utf-8")
    np.savez(out / "counts.npz", data=counts_m.data, indices=counts_m.indices,
             indptr=counts_m.indptr.astype(np.int64),
             shape=np.asarray(counts_m.shape, dtype=np.int64),
             links=np.frombuffer(links, dtype=np.uint8))
    manifest = {
        "format": FORMAT, "tokenizer": settings, "parser": PARSER_VERSION,
        "corpus": str(corpus.resolve()), "created": time.time(), "files": asm.files,
        "unreadable": asm.unreadable, "passages": asm.rows, "terms": len(terms),
        "checksums": {name: _sha((out / name).read_bytes()) for name in _FILES},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    report.passages, report.terms = asm.rows, len(terms)
    report.seconds = time.perf_counter() - t0
    return report


def _same_rules(manifest: dict[str, Any]) -> bool:
    """Was this index made by the parser and tokenizer rules of this version of qa?"""
    from qa.tokenize import TOKENIZER_VERSION

    return manifest.get("parser") == PARSER_VERSION and \
        manifest.get("tokenizer", {}).get("version") == TOKENIZER_VERSION


def _has_cjk(t: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in t)
