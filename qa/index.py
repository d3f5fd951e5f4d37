"""The TF-IDF index of a notes collection: build (scikit-learn), save, load (numpy only), staleness.

On disk, an index folder holds `CURRENT` (the name of the active build) and build folders.
A build folder holds:
  manifest.json   format, tokenizer settings, per-file content hashes, checksums of the rest
                  (and the size and modification time each large file was written with)
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
import functools
import hashlib
import importlib
import io
import itertools
import json
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple, Protocol

from qa import glossary, lexicon
from qa.errors import IndexUnusable, NotesNotFound
from qa.model import FlagEntry, Passage
from qa.notes import DOCKERFILE, PARSER_VERSION, command_family, decode, parse_text

if TYPE_CHECKING:
    import numpy as np

    from qa.tokenize import Tokenizer

FORMAT = 1
NOTE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".txt")
_FILES = ("passages.jsonl", "vocab.json", "words.json", "postings.npz", "counts.npz")
_SHORT_RUN = re.compile(r"(?<!\S)-([A-Za-z]{2,4})(?![\w-])")
_FLAG_USE = re.compile(r"(?<![\w./:=-])(--?[A-Za-z][\w-]*)")
_NAME = re.compile(r"[A-Za-z][\w.-]{1,30}")  # a lone name heading a paragraph
LOAD_ATTEMPTS = 8  # reads of CURRENT when builds keep replacing each other under a reader
# what reading damaged JSON or .npz files can raise (a zip's CRC check: BadZipFile)
_READ_ERRORS = (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, EOFError,
                RecursionError, zipfile.BadZipFile)


class NoteFile(NamedTuple):  # (a tuple: made for every file before every answer)
    location: str  # on disk
    shown: str  # as sources show it
    size: int = -1  # as the walk found it (-1: not known)
    mtime_ns: int = -1

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
            inner = f"{shown}/{_shown_name(name)}" if shown else _shown_name(name)
            if is_dir:
                if name != "node_modules":
                    below.append((entry.path, inner))
            elif name.lower().endswith(NOTE_SUFFIXES):
                try:
                    st = entry.stat()
                except OSError as e:
                    skipped.append((inner, e.strerror or "unreadable"))  # a dangling link, say
                    continue
                if not stat.S_ISREG(st.st_mode):
                    # reading a FIFO or a link to /dev/zero named `x.md` never ends
                    skipped.append((inner, "not a regular file"))
                else:
                    out.append(NoteFile(entry.path, inner, st.st_size, st.st_mtime_ns))
        stack.extend(reversed(below))
    return out, skipped


def _stat(nf: NoteFile) -> tuple[int, int]:
    """Size and mtime of a notes file: as the walk found them, or asked now."""
    if nf.size >= 0:
        return nf.size, nf.mtime_ns
    st = os.stat(nf.location)
    return st.st_size, st.st_mtime_ns


def _shown_name(name: str) -> str:
    """A file name as sources show it: text, even when its bytes are not UTF-8 (a GBK name)."""
    if name.isascii():
        return name
    with contextlib.suppress(UnicodeEncodeError):
        name.encode("utf-8")  # (no undecodable bytes in the name)
        return name
    raw = os.fsencode(name)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- indexed text of a passage -------------------------------------------------------------
# text a command carries as data: a message, an author, what it prints (`commit -m "…"`)
_QUOTED = re.compile(r"(?:(?<=\s)(?:-m|--message|--author|--comment|-C)[\s=]+"
                     r"|\b(?:echo|printf)\s+)(?:\"[^\"]*\"|'[^']*')")
BACKGROUND = "~"  # prefix of terms from a passage's surroundings (context, section)
GLOSSARY = "^"  # prefix of terms from what the glossary says a passage's command does
OWN = ""  # the passage's own words
FIELDS = (OWN, BACKGROUND, GLOSSARY)


def bare(term: str) -> str:
    """A term without the prefix of the field it was found in."""
    return term[1:] if term[:1] in (BACKGROUND, GLOSSARY) else term


def in_vocab(vocab: dict[str, int], term: str) -> bool:
    """Do the notes use this word, in any field?"""
    return any(f + term in vocab for f in FIELDS)


def own_words(command: str) -> str:
    """A command line without the data it carries (`commit -m "centos with git"`)."""
    return _QUOTED.sub(" ", command)


def long_flag_words(names: Iterable[str]) -> str:
    """The words of long flags' names (`--reset-offsets`: reset offsets); short ones have none."""
    return " ".join(n[2:].replace("-", " ") for n in names if n[:2] == "--")


def indexed_text(p: Passage) -> list[tuple[str, int, str]]:
    """The fields of a passage that are indexed: (text, repetitions, prefix of its terms).

    Background fields (the sentence introducing a group of commands, the section, what a
    command's flags do) and the glossary's words are indexed under terms of their own, so a
    match there counts less than one in the passage's own words."""
    if p.kind == "command":
        flags = " ".join(f.description for f in p.flags)
        # a quoted message ("centos with git") is data the command carries, not what it does;
        # other quoted arguments (grep "Exited", -f "status=exited") are what it selects
        quoted = " ".join(m.group(0) for m in _QUOTED.finditer(p.command or ""))
        command = own_words(p.command or "")
        # a long flag's name is English for what it does (--reset-offsets, --dry-run)
        named = long_flag_words(flags_in(command))
        return [(p.description, 2, OWN), (command, 2, OWN), (p.context, 1, BACKGROUND),
                (p.section, 1, BACKGROUND), (flags, 1, BACKGROUND), (quoted, 1, BACKGROUND),
                (f"{glossary.describe(command)} {named}", 1, GLOSSARY)]
    if p.kind == "flag":
        # the words of a long flag's name are English for what it does (--publish-all)
        words = long_flag_words(f.long for f in p.flags if f.long)
        return [(p.text, 2, OWN), (words, 1, OWN), (p.context, 1, BACKGROUND),
                (p.section, 1, BACKGROUND)]
    if p.kind == "code":
        return [(p.description, 2, OWN), (p.text, 1, OWN), (p.context, 1, BACKGROUND),
                (p.section, 1, BACKGROUND), (glossary.describe(
                    p.command or "", dockerfile=p.description == DOCKERFILE), 1, GLOSSARY)]
    return [(p.text, 2, OWN), (p.section, 1, BACKGROUND), (_defined(p.text), 1, GLOSSARY)]


def _defined(text: str) -> str:
    """A paragraph headed by a lone name it goes on to explain (`CMD` over `容器启动时默认执行的
    命令…`, `rsync` over what it does): what the glossary says of that name."""
    head, _, rest = text.partition("\n")
    head = head.strip()
    if not rest or not _NAME.fullmatch(head):
        return ""
    if head.isupper():
        return glossary.describe(head, dockerfile=True)
    return glossary.describe(head) if head in glossary.programs() else ""


class _Terms(Protocol):
    def terms(self, text: str) -> list[str]: ...


def field_terms(text: str, weight: int, prefix: str, tok: _Terms) -> list[str]:
    """The terms one field of a passage adds (see `indexed_text`)."""
    if not text:
        return []
    terms = tok.terms(text)
    if prefix:
        terms = [prefix + t for t in terms]
    return terms * weight


def passage_terms(p: Passage, tok: _Terms) -> list[str]:
    out: list[str] = []
    for text, weight, prefix in indexed_text(p):
        out += field_terms(text, weight, prefix, tok)
    return out


@functools.lru_cache(maxsize=1 << 14)  # linking asks it of each command line several times
def flags_in(command: str) -> tuple[str, ...]:
    """Flag names used in a command line, combined short flags split (`-aq` -> `-a`, `-q`)."""
    names = _FLAG_USE.findall(command)
    out: list[str] = []
    for n in names:
        m = _SHORT_RUN.fullmatch(n)
        out += [f"-{c}" for c in m.group(1)] if m and not n.startswith("--") else [n.split("=")[0]]
    return tuple(out)


class LinkFacts:
    """What linking learns from all the notes, first occurrence first: the flag entry of each
    (command family, flag name), and the first command that uses each (family, flag name).
    Facts of several files merge in file order, so files can be parsed apart (and reused)."""

    def __init__(self) -> None:
        self.table: dict[tuple[str | None, str], FlagEntry] = {}
        self.examples: dict[tuple[str | None, str], str] = {}
        self.owners: dict[Key, str] = {}  # the file each fact comes from (merged facts)

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

    def update(self, other: LinkFacts, owner: str = "") -> None:
        for k, v in other.table.items():
            if self.table.setdefault(k, v) is v and owner:
                self.owners.setdefault(("table", *k), owner)
        for k, c in other.examples.items():
            if self.examples.setdefault(k, c) is c and owner:
                self.owners.setdefault(("example", *k), owner)

    def replace(self, shown: str, old: LinkFacts, new: LinkFacts, order: dict[str, int]) -> bool:
        """Update merged facts for one file whose facts went from `old` to `new`; False when
        that cannot be done without merging all files again (it owned a fact it lost)."""
        for kind, before, after in (("table", old.table, new.table),
                                    ("example", old.examples, new.examples)):
            mine: dict[Any, Any] = self.table if kind == "table" else self.examples
            for k, v in before.items():
                if after.get(k) != v and self.owners.get((kind, k[0], k[1])) == shown:
                    return False
            for k, v in after.items():
                key: Key = (kind, k[0], k[1])
                owner = self.owners.get(key)
                if owner is None or owner != shown and order.get(owner, -1) > order[shown]:
                    mine[k] = v  # the first file with this fact now
                    self.owners[key] = shown
        return True

    def copy(self) -> LinkFacts:
        out = LinkFacts()
        out.table, out.examples, out.owners = (dict(self.table), dict(self.examples),
                                               dict(self.owners))
        return out

    def changed(self, other: LinkFacts) -> set[Key]:
        """The facts that differ between the two (as `link_keys` names them)."""
        out: set[Key] = {("table", *k) for k in self.table.keys() | other.table.keys()
                         if self.table.get(k) != other.table.get(k)}
        return out | {("example", *k) for k in self.examples.keys() | other.examples.keys()
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
        """The facts, in key order: the same text however they were merged."""
        table = sorted(self.table.items(), key=lambda kv: _key_order(kv[0]))
        examples = sorted(self.examples.items(), key=lambda kv: _key_order(kv[0]))
        return [[[k[0], k[1], f.to_record()] for k, f in table],
                [[k[0], k[1], c] for k, c in examples]]

    def owners_json(self) -> list[Any]:
        """Which file each merged fact comes from, in key order."""
        owners = sorted(self.owners.items(), key=lambda ko: (ko[0][0], *_key_order(ko[0][1:])))
        return [[*k, o] for k, o in owners]

    @classmethod
    def from_json(cls, data: list[Any]) -> LinkFacts:
        facts = cls()
        facts.table = {(c, n): FlagEntry.from_dict(f) for c, n, f in data[0]}
        facts.examples = {(c, n): cmd for c, n, cmd in data[1]}
        return facts


Key = tuple[str, str | None, str]  # ("table" | "example", command family, flag name)


def _key_order(key: tuple[str | None, str]) -> tuple[bool, str, str]:
    """(command family or None, flag name) keys in a stable order."""
    family, name = key
    return family is not None, family or "", name
_NO_FACTS = LinkFacts()  # what a file's facts are once kept as text (never added to)


def link_keys(p: Passage) -> list[Key]:
    """The facts `LinkFacts.apply` looks up for this passage (none: linking leaves it alone)."""
    if p.kind == "flag" and p.command is None and p.flags:
        f = p.flags[0]
        return [("example", f.command, n) for n in f.names]
    if p.kind == "command" and p.command:
        family = command_family(p.command)
        return [("table", family, n) for n in dict.fromkeys(flags_in(p.command))]
    return []


def link_flags(passages: list[Passage]) -> list[Passage]:
    """Give each command the flag entries (of its own command family) that it uses, and each
    flag entry an example command."""
    facts = LinkFacts().add(passages)
    return [facts.apply(p) for p in passages]


# --- loading -------------------------------------------------------------------------------
class Index:
    """A built index, read with numpy only. Thread-safe for reading.

    Every file the query path reads is checked against the manifest's checksums and for
    consistency, so a damaged index raises `IndexUnusable` instead of giving wrong answers.
    The two large files are hashed only when their size or modification time is not the one
    recorded (as notes are: stat first, hash on doubt; a build verifies the passages it
    copies); postings.npz also carries the CRC-32 of its zip members, checked as they are
    read; a passage that cannot be read is `IndexUnusable`.
    `passages.jsonl` stays open: passages can still be read after a newer build replaced this
    one and removed its folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._fh: BinaryIO | None = None
        try:
            self._read(root)
        except IndexUnusable:
            self.close()
            raise
        except _READ_ERRORS as e:
            self.close()
            raise IndexUnusable(f"the index at {root} cannot be read ({e.__class__.__name__}); "
                                f"`qa index` rebuilds it") from e
        self.vocab = {t: i for i, t in enumerate(self.terms)}
        self.n = len(self.offsets) - 1
        self._passages: dict[int, Passage] = {}

    def _read(self, root: Path) -> None:
        import numpy as np

        manifest = json.loads((root / "manifest.json").read_bytes())
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise IndexUnusable(f"the index at {root} was made by another version of qa")
        checksums = manifest.get("checksums")
        if not isinstance(checksums, dict) or not isinstance(manifest.get("files"), dict):
            raise ValueError("manifest without checksums or files")
        self.manifest: dict[str, Any] = manifest

        stamps = manifest.get("stamps")
        stamps = stamps if isinstance(stamps, dict) else {}

        def verified(name: str, data: bytes) -> bytes:
            if not isinstance(checksums.get(name), str) or _sha(data) != checksums[name]:
                raise IndexUnusable(f"the index file {root / name} is damaged; "
                                    f"`qa index` rebuilds it")
            return data

        def unchanged(name: str, fh: BinaryIO) -> bool:
            st = os.fstat(fh.fileno())
            return stamps.get(name) == [st.st_size, st.st_mtime_ns]

        self._fh = open(root / "passages.jsonl", "rb")  # kept open: see the class docstring
        if unchanged("passages.jsonl", self._fh):
            size = os.fstat(self._fh.fileno()).st_size
        else:
            size = len(verified("passages.jsonl", self._fh.read()))
        terms = json.loads(verified("vocab.json", (root / "vocab.json").read_bytes()))
        words = json.loads(verified("words.json", (root / "words.json").read_bytes()))
        with open(root / "postings.npz", "rb") as fh:
            raw = fh.read()
            if not unchanged("postings.npz", fh):
                verified("postings.npz", raw)
        with np.load(io.BytesIO(raw), allow_pickle=False) as z:
            indptr, docs, weights = z["indptr"], z["docs"], z["weights"]
            idf, offsets = z["idf"], z["offsets"]
        # the checksums say the files are the ones written; these say they belong together
        if not (isinstance(terms, list) and all(isinstance(t, str) for t in terms)
                and isinstance(words, dict) and isinstance(words.get("words"), dict)
                and isinstance(words.get("total"), int)):
            raise ValueError("vocabulary or words of the wrong shape")
        n = len(offsets) - 1
        if not (len(indptr) == len(terms) + 1 and len(idf) == len(terms) and n >= 0
                and indptr[0] == 0 and indptr[-1] == len(docs) == len(weights)
                and offsets[0] == 0 and offsets[-1] == size
                and bool(np.all(np.diff(indptr) >= 0)) and bool(np.all(np.diff(offsets) > 0))
                and (len(docs) == 0 or 0 <= int(docs.min()) and int(docs.max()) < n)):
            raise IndexUnusable(f"the index at {root} is inconsistent; `qa index` rebuilds it")
        self.terms: list[str] = terms
        self.words: dict[str, int] = words["words"]
        self.total: int = words["total"]
        self.indptr, self.docs, self.weights, self.idf, self.offsets = \
            indptr, docs, weights, idf, offsets

    def close(self) -> None:
        """Let go of the open passages file (also done when the index is garbage-collected)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __del__(self) -> None:
        self.close()

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        col = self.vocab.get(term)
        if col is None:
            return None
        a, b = self.indptr[col], self.indptr[col + 1]
        return self.docs[a:b], self.weights[a:b]

    def _bytes(self, start: int, end: int) -> bytes:
        if self._fh is None:
            raise IndexUnusable(f"the index at {self.root} was closed")
        return os.pread(self._fh.fileno(), end - start, start)  # no shared file position

    def passage(self, i: int) -> Passage:
        p = self._passages.get(i)
        if p is None:
            p = self._passages[i] = self._decode(
                self._bytes(int(self.offsets[i]), int(self.offsets[i + 1])))
        return p

    def all_passages(self) -> Iterator[Passage]:
        for line in self._bytes(0, int(self.offsets[-1])).splitlines():
            yield self._decode(line)

    def _decode(self, line: bytes) -> Passage:
        try:
            return Passage.from_dict(json.loads(line))
        except _READ_ERRORS as e:  # damage the checks on loading did not look for
            raise IndexUnusable(f"the index at {self.root} is damaged "
                                f"({e.__class__.__name__}); `qa index` rebuilds it") from e


# --- the index folder ------------------------------------------------------------------------
class IndexStore:
    """An index folder: which build is current, staleness against the notes, locked rebuilds."""

    def __init__(self, folder: Path, corpus: Path) -> None:
        self.folder = folder
        self.corpus = corpus

    def current(self) -> Path | None:
        """The build `CURRENT` names, or None (no pointer, or one that is not a build name)."""
        try:
            with open(self.folder / "CURRENT", "rb") as fh:
                name = fh.read(256).decode("utf-8").strip()
        except (OSError, ValueError):
            return None
        if not re.fullmatch(r"build-[\w.-]+", name):
            return None
        return self.folder / name

    def load(self) -> Index | None:
        """The current build, or None when there is none (yet). Raises IndexUnusable when it
        is damaged. A build that a newer one replaced (and pruned) while it was being read is
        not damage: the newer one is read instead."""
        root = self.current()
        for _ in range(LOAD_ATTEMPTS):
            if root is None:
                return None
            damage: IndexUnusable | None = None
            try:
                if (root / "manifest.json").is_file():
                    return Index(root)
            except IndexUnusable as e:
                damage = e
            now = self.current()
            if now == root:
                if damage is not None:
                    raise damage
                return None  # a build without its manifest: never finished
            root = now
        raise IndexUnusable(f"the index at {self.folder} was replaced {LOAD_ATTEMPTS} times "
                            f"while being read; try again")

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
                size, mtime_ns = _stat(nf)
            except OSError:
                if rec["sha256"]:
                    return True
                continue  # unreadable then, unreadable now
            if size == rec["size"] and mtime_ns == rec["mtime_ns"]:
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

        # user-only, and so are the folders made on the way (mkdir(parents=True) would give
        # them the umask's permissions: a world-writable parent lets others swap the index)
        for folder in [*reversed(self.folder.parents), self.folder]:
            if not folder.is_dir():
                folder.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        with open(fd, "r+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def build(self, previous: Index | None = None, jobs: int = 0,
              progress: Callable[[int, int], None] | None = None) -> BuildReport:
        """Build (or refresh) the index under the folder lock, then make it current atomically."""
        with self.lock():
            current = self.current()
            if previous is None or current is None or previous.root != current:
                try:  # another builder may have made a newer one while we waited for the lock
                    previous = self.load()
                except IndexUnusable:
                    previous = None
            tmp = Path(tempfile.mkdtemp(prefix="build-", dir=self.folder))
            try:
                with _small_pages():
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
        """Remove builds other than the current and the previous one (readers may hold it),
        and what failed builds left. Readers that hold an older one keep its passages open."""
        current = self.current()
        keep = keep | ({current.name} if current else set())
        for p in self.folder.glob("build-*"):
            if p.name not in keep:
                shutil.rmtree(p, ignore_errors=True)


# --- building --------------------------------------------------------------------------------
_PAGES = threading.Lock()
_builds = 0  # builds running in this process (see _small_pages)


@contextlib.contextmanager
def _small_pages() -> Iterator[None]:
    """numpy asks the kernel for huge pages for its large arrays; where transparent huge pages
    are given on request but memory is too fragmented to have any (common on virtual
    machines), every first touch of such an array waits on a failed compaction, and a build
    allocates a few hundred MB of arrays: several times slower than with plain pages (0.4 s
    against 0.08 s for 160 MB measured on one). Plain pages while a build runs."""
    global _builds
    import numpy as np

    core = getattr(np, "_core", None) or np.core  # (numpy 1: np.core)
    setter = getattr(core.multiarray, "_set_madvise_hugepage", None)
    with _PAGES:
        _builds += 1
        if _builds == 1 and setter is not None:
            _small_pages.before = setter(False)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        with _PAGES:
            _builds -= 1
            if _builds == 0 and setter is not None:
                setter(_small_pages.before)  # type: ignore[attr-defined]

# One direction, in two passes over the files that changed, each in chunks (by forked worker
# processes on a large collection): the first parses and learns the link facts (flag tables
# and the commands that use them) of each file, keeping its passages; the second, knowing the
# facts of all files, links, tokenises and counts them. The main process then weighs terms
# (numpy) and writes.
CHUNK_FILES = 64  # files a worker takes at a time
PARALLEL_FILES = 300  # fewer files than this to parse: no worker processes (they cost ~0.2 s)
LINKS_LAYOUT = 5  # of what counts.npz keeps for the next build (link facts, rows of files)
_STATE: _Tokenising | None = None  # what forked workers inherit
_POOLS = itertools.count()

Work = list[tuple[str, str, str | None]]  # (shown, location, sha256 it had) of files to read


@dataclass
class _Learned:
    """The first pass over one notes file: its content hash and link facts."""

    shown: str
    sha256: str = ""
    size: int = 0
    mtime_ns: int = 0
    error: str | None = None
    unchanged: bool = False  # the content of the previous build: reuse that
    facts: LinkFacts = field(default_factory=LinkFacts)
    lookups: list[Key] = field(default_factory=list)
    links: str | None = None  # facts and lookups as JSON text, once they are no longer needed

    def compact(self) -> None:
        if self.links is None:
            has = self.facts.table or self.facts.examples or self.lookups
            self.links = json.dumps([self.facts.to_json(), self.lookups],
                                    ensure_ascii=False) if has else ""
            self.facts, self.lookups = _NO_FACTS, []


@dataclass(eq=False)
class _Chunk:
    """What the second pass returns for a run of files: the terms new to that worker, then
    the passages of all its files (JSON lines) and their term counts (as that worker's term
    ids): a few arrays for the whole chunk, cheap to send and to keep."""

    worker: str
    new_terms: list[str]
    shown: list[str]  # the files counted, in order
    passages: Any  # np.int64: passages of each file
    lines: bytes  # their passages as JSON lines
    line_lengths: Any  # np.int64: bytes of each passage
    lengths: Any  # np.int32: distinct terms of each passage
    ids: Any  # np.int32: their term ids (columns once received, see _Assembly.split)
    counts: Any  # np.float32
    learned: list[_Learned]
    spooled: int = -1  # where `lines` went (see _Assembly.keep)

    def files(self) -> list[_Counted]:
        """Each file's share of the chunk."""
        import numpy as np

        def starts(sizes: Any) -> list[int]:
            out = np.zeros(len(sizes) + 1, np.int64)
            np.cumsum(sizes, out=out[1:])
            return out.tolist()  # type: ignore[no-any-return]

        rows, nnz, at = starts(self.passages), starts(self.lengths), starts(self.line_lengths)
        return [_Counted(shown, self, rows[k], rows[k + 1], nnz[rows[k]], nnz[rows[k + 1]],
                         at[rows[k]], at[rows[k + 1]]) for k, shown in enumerate(self.shown)]


class _Counted:
    """The second pass over one notes file: its share of a chunk, rows `a`..`b` (their
    passages, linked, bytes `at`..`end` of its lines) and their term counts (`nnz_a`..`nnz_b`)."""

    __slots__ = ("shown", "chunk", "a", "b", "nnz_a", "nnz_b", "at", "end")

    def __init__(self, shown: str, chunk: _Chunk, a: int, b: int, nnz_a: int, nnz_b: int,
                 at: int, end: int) -> None:
        self.shown, self.chunk, self.a, self.b = shown, chunk, a, b
        self.nnz_a, self.nnz_b, self.at, self.end = nnz_a, nnz_b, at, end


_json_line = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(x, ensure_ascii=False)


class _Ids(dict[str, int]):
    """term -> id: a term not seen before gets the next id, and is noted in `new`."""

    def __init__(self) -> None:
        super().__init__()
        self.new: list[str] = []

    def __missing__(self, term: str) -> int:
        i = self[term] = len(self)
        self.new.append(term)
        return i


class _Tokenising:
    """The worker side of a build: a tokenizer, the link facts, the term ids handed out."""

    def __init__(self, tok: Tokenizer, name: str, facts: LinkFacts | None = None) -> None:
        self.tok = tok
        self.name = name  # with the process id: whose term ids a chunk's are
        self.facts = facts or LinkFacts()
        self.vocab = _Ids()
        # the term ids of a field's text, for each field prefix (sections, contexts and
        # commands repeat)
        self.memo: dict[str, dict[str, list[int]]] = {prefix: {} for prefix in FIELDS}
        # what `learn` parsed, for `count` to take (each file parsed once)
        self.parsed: dict[str, tuple[_Learned, list[Passage]]] = {}
        self.merged = False  # the facts are those of all files: what `count` learns goes as text

    def field_ids(self, text: str, prefix: str) -> list[int]:
        """The ids of the terms `field_terms` gives a field's text (once, not repeated)."""
        memo = self.memo[prefix]
        ids = memo.get(text)
        if ids is None:
            if len(memo) >= 50_000:
                memo.clear()
            term_id = self.vocab.__getitem__
            terms = self.tok.terms(text)
            ids = memo[text] = [term_id(prefix + t) for t in terms] if prefix else \
                list(map(term_id, terms))
        return ids

    def passage_ids(self, p: Passage) -> list[int]:
        """The ids of `passage_terms(p)`, in that order."""
        out: list[int] = []
        for text, weight, prefix in indexed_text(p):
            if text:
                ids = self.field_ids(text, prefix)
                out += ids * weight if weight != 1 else ids
        return out

    def learn(self, work: Work) -> list[_Learned]:
        """Each file's content hash and link facts; its passages are kept for `count`."""
        out = []
        for shown, location, known_sha in work:
            r, passages = _learn(shown, location, known_sha)
            if not r.unchanged:
                self.parsed[shown] = r, passages
            out.append(r)
        return out

    def count(self, work: Work) -> _Chunk:
        """Passages linked, as JSON lines, and their term counts; and what `learn` learns."""
        from array import array
        from collections import Counter

        import numpy as np

        ids, counts, lengths = array("i"), array("f"), array("i")
        line_lengths, passages_of = array("q"), array("q")
        new = self.vocab.new = []
        lines: list[bytes] = []
        shown_of: list[str] = []
        learned: list[_Learned] = []
        for shown, location, known_sha in work:
            kept = self.parsed.pop(shown, None)
            r, passages = kept if kept is not None else _learn(shown, location, known_sha)
            if self.merged:
                r.compact()
            learned.append(r)
            shown_of.append(shown)
            passages_of.append(len(passages))
            for p in passages:
                p = self.facts.apply(p)
                line = _json_line(p.to_dict()).encode("utf-8") + b"\n"
                lines.append(line)
                line_lengths.append(len(line))
                row = Counter(self.passage_ids(p))
                ids.extend(row)
                lengths.append(len(row))
                counts.extend(row.values())
        return _Chunk(f"{self.name}.{os.getpid()}", new, shown_of,
                      np.frombuffer(passages_of, np.int64), b"".join(lines),
                      np.frombuffer(line_lengths, np.int64), np.frombuffer(lengths, np.int32),
                      np.frombuffer(ids, np.int32), np.frombuffer(counts, np.float32), learned)


def _tokenizer_for(todo: Work, facts: LinkFacts, previous: Index | None) -> Tokenizer:
    """The full tokenizer; for a few files (given the previous build), one whose dictionary
    holds only the words made of the characters those files (and the flag descriptions
    linked into them, and the glossary's words) use, with the dictionary's total frequency as
    the previous build recorded it: it segments them exactly as the full one does (a word of
    other characters cannot match), and it is ready in a fraction of the time."""
    from qa.tokenize import Tokenizer, dictionary_words, normalize

    if previous is None:
        return Tokenizer.full()
    chars: set[str] = set()
    for _, location, _ in todo:
        with contextlib.suppress(OSError, ValueError):
            with open(location, "rb") as fh:
                chars.update(normalize(decode(fh.read())))
    for f in facts.table.values():
        chars.update(normalize(f.description))
    chars.update(normalize(glossary.all_words()))  # what bare commands are indexed with
    return Tokenizer(dictionary_words(chars), previous.total)


def _sha_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _learn(shown: str, location: str, known_sha: str | None
           ) -> tuple[_Learned, list[Passage]]:
    """A file read and parsed, and what it brings to linking: its facts and their lookups."""
    r, passages = _read_and_parse(shown, location, known_sha)
    r.facts.add(passages)
    r.lookups = list(dict.fromkeys(k for p in passages for k in link_keys(p)))
    return r, passages


def _set_facts(facts: LinkFacts) -> None:
    """The link facts of all files, learned in a first pass."""
    assert _STATE is not None
    _STATE.facts, _STATE.merged = facts, True


def _learn_chunk(work: Work) -> list[_Learned]:
    assert _STATE is not None
    return _STATE.learn(work)


def _count_chunk(work: Work) -> _Chunk:
    assert _STATE is not None
    return _STATE.count(work)


def _read_and_parse(shown: str, location: str, known_sha: str | None
                    ) -> tuple[_Learned, list[Passage]]:
    try:
        with open(location, "rb") as fh:
            st = os.fstat(fh.fileno())
            data = fh.read()
    except OSError as e:
        r = _Learned(shown, error=e.strerror or "unreadable")
        with contextlib.suppress(OSError):
            st = os.stat(location)
            r.size, r.mtime_ns = st.st_size, st.st_mtime_ns
        return r, []
    r = _Learned(shown, _sha(data), st.st_size, st.st_mtime_ns)
    if r.sha256 == known_sha:
        r.unchanged = True
        return r, []
    try:
        text = decode(data)
    except ValueError as e:
        r.error = str(e)
        return r, []
    return r, parse_text(text, shown).passages


class _Workers:
    """Runs a build's passes over the files in chunks: in this process, or in `jobs` forked
    ones (each starting from `state`) for a large collection. A chunk goes to the process that
    had it in an earlier pass, where the passages it parsed then are kept; others to whichever
    process is free. Results come back in the order of the chunks."""

    def __init__(self, state: _Tokenising, jobs: int, files: int) -> None:
        import gc
        import multiprocessing

        if jobs <= 0:
            jobs = os.cpu_count() or 1
        if files < PARALLEL_FILES or "fork" not in multiprocessing.get_all_start_methods():
            jobs = 1
        jobs = min(jobs, -(-files // CHUNK_FILES))
        self.conns: list[Any] = []
        self.procs: list[Any] = []
        self.owner: dict[str, int] = {}  # first file of a chunk -> the process that had it
        global _STATE
        if jobs <= 1:
            _STATE = state
            return
        _STATE = _Tokenising(state.tok, f"pool{next(_POOLS)}", state.facts)
        ctx = multiprocessing.get_context("fork")
        gc.freeze()  # the collector would otherwise write to, and so copy, every shared page
        try:
            for _ in range(jobs):
                mine, theirs = ctx.Pipe()
                proc = ctx.Process(target=_serve, args=(theirs,), daemon=True)
                proc.start()
                theirs.close()
                self.conns.append(mine)
                self.procs.append(proc)
        finally:
            gc.unfreeze()

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        global _STATE
        _STATE = None
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.send(None)  # done
            conn.close()
        for proc in self.procs:
            if kind is not None:
                proc.terminate()
            proc.join()

    def everywhere(self, fn: Callable[[Any], None], arg: Any) -> None:
        """fn(arg) in every process (between passes)."""
        if not self.conns:
            fn(arg)
            return
        for conn in self.conns:
            conn.send(("", fn, arg))
        for conn in self.conns:
            self._receive(conn)

    def map(self, fn: Callable[[Work], Any], work: Work, progress: Callable[[int], None],
            received: Callable[[Any], None] = lambda result: None) -> Iterator[Any]:
        """fn over the work in chunks, results in order; `received` sees each result as it
        arrives, in the order its process made them (term ids are handed out in that order)."""
        chunks = [work[i:i + CHUNK_FILES] for i in range(0, len(work), CHUNK_FILES)]
        if not self.conns:
            for c in chunks:
                result = fn(c)
                received(result)
                yield result
                progress(len(c))
            return
        from collections import deque
        from multiprocessing.connection import wait

        owned: list[deque[int]] = [deque() for _ in self.conns]
        free: deque[int] = deque()
        for i, c in enumerate(chunks):
            w = self.owner.get(c[0][0])
            (free if w is None else owned[w]).append(i)

        def next_for(w: int) -> int | None:
            if owned[w]:
                return owned[w].popleft()
            if free:
                return free.popleft()
            behind = max(owned, key=len)  # a process slowed down (a busy machine): its last
            return behind.pop() if len(behind) > 2 else None  # chunks, parsed again here

        busy = [0] * len(self.conns)
        done: dict[int, Any] = {}
        for i in range(len(chunks)):
            while i not in done:
                for w, conn in enumerate(self.conns):
                    while busy[w] < 2 and (j := next_for(w)) is not None:  # one behind each
                        self.owner[chunks[j][0][0]] = w
                        conn.send((j, fn, chunks[j]))
                        busy[w] += 1
                for conn in wait([c for w, c in enumerate(self.conns) if busy[w]]):
                    j, result = self._receive(conn)  # type: ignore[arg-type]
                    busy[self.conns.index(conn)] -= 1
                    received(result)
                    done[j] = result
            yield done.pop(i)
            progress(len(chunks[i]))

    def _receive(self, conn: Any) -> tuple[int, Any]:
        try:
            j, ok, result = conn.recv()
        except EOFError:
            raise RuntimeError("a build worker process died") from None
        if not ok:
            raise result
        return j, result


def _serve(conn: Any) -> None:
    """A worker process: (tag, fn, arg) in, (tag, ok, result or exception) out; None: done."""
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    # a build makes next to no reference cycles: no collector passes over the passages kept
    gc.disable()
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        tag, fn, arg = task
        try:
            out = (tag, True, fn(arg))
        except Exception as e:  # handed to the main process, which raises it
            out = (tag, False, e)
        try:
            conn.send(out)
        except Exception as e:  # an exception that does not pickle
            conn.send((tag, False, RuntimeError(repr(e))))


class _Previous:
    """What a build may reuse from the previous one: passages as bytes, counts, each file's
    rows and link facts (files in the manifest's order, the order they were indexed in)."""

    def __init__(self, index: Index) -> None:
        import numpy as np

        self.files: dict[str, dict[str, Any]] = index.manifest["files"]
        with np.load(index.root / "counts.npz", allow_pickle=False) as z:
            self.data, self.indices, self.indptr = z["data"], z["indices"], z["indptr"]
            self.file_rows, self.link_at = z["file_rows"], z["link_at"]
            self.link_text = z["links"].tobytes()
        meta = json.loads(self.link_text[:self.link_at[0]])
        if meta.get("layout") != LINKS_LAYOUT:
            raise ValueError("link facts of another layout")
        if not len(self.file_rows) == len(self.link_at) == len(self.files) + 1 or \
                self.file_rows[-1] != index.n or self.link_at[-1] != len(self.link_text):
            raise ValueError("counts of other files")
        self.names = list(self.files)
        self.at = {shown: k for k, shown in enumerate(self.names)}
        self.unreadable = set(index.manifest["unreadable"])
        self.merged = LinkFacts.from_json(meta["merged"])
        self.merged.owners = {(k[0], k[1], k[2]): k[3] for k in meta["owners"]}
        self.common: dict[str, int] = meta["common"]  # the words every words.json has
        self.raw = (index.root / "passages.jsonl").read_bytes()
        if _sha(self.raw) != index.manifest["checksums"]["passages.jsonl"]:
            raise ValueError("passages.jsonl is not the one recorded")  # (loading trusts stamps)
        self.offsets = index.offsets
        self.terms, self.vocab = index.terms, index.vocab

    def links(self, shown: str) -> str:
        """A file's link facts and lookups as JSON text ("": none, or not a file of that build)."""
        k = self.at.get(shown)
        if k is None:
            return ""
        return self.link_text[self.link_at[k]:self.link_at[k + 1] - 1].decode("utf-8")

    def naming(self, marks: list[str]) -> set[str]:
        """The files whose link facts or lookups have one of these texts in their JSON (a
        file looking a fact up names it there)."""
        import numpy as np

        found: list[int] = []
        text, start = self.link_text, int(self.link_at[0])
        for mark in marks:
            m = mark.encode("utf-8")
            at = text.find(m, start)
            while at >= 0:
                found.append(at)
                at = text.find(m, at + len(m))
        lines = np.searchsorted(self.link_at, np.asarray(found, np.int64), side="right") - 1
        return {self.names[k] for k in set(lines.tolist())}

    def link(self, shown: str) -> tuple[LinkFacts, list[Key]]:
        """A file's link facts and the facts its passages look up, as that build saw them."""
        text = self.links(shown)
        if not text:
            return LinkFacts(), []
        facts, lookups = json.loads(text)
        return LinkFacts.from_json(facts), [(k[0], k[1], k[2]) for k in lookups]


class _Assembly:
    """The main side of a build: passages and term counts of every file, in file order."""

    def __init__(self, prev: _Previous | None) -> None:
        self.prev = prev
        # term -> column: those of the previous build, then new ones as they come (sorted at
        # the end; terms no passage has any more are dropped then)
        self.vocab: dict[str, int] = dict(prev.vocab) if prev is not None else {}
        self.maps: dict[str, Any] = {}  # worker -> the column of each of its term ids (numpy)
        self.blobs: list[Any] = []  # passages.jsonl a file at a time: bytes, or (at, size)
        self.spool: Any = None  # passages of the files read, on disk until written in order
        self.line_lengths: list[Any] = []
        self.lengths: list[Any] = []
        self.columns: list[Any] = []
        self.counts: list[Any] = []
        self.rows = 0
        self.files: dict[str, dict[str, Any]] = {}
        # for the next build, a line a file: the rows it ends at and its link facts and lookups
        # (JSON; "": none), the lines of files reused one after another copied as one
        self.file_ends: list[int] = []
        self.links: list[bytes] = []
        self.link_lengths: list[int] = []
        self.run: list[int] | None = None  # files of the previous build to reuse next, as one
        self.share: list[Any] | None = None  # rows of a chunk to take next, as one
        self.unreadable: list[str] = []

    def columns_of(self, terms: list[str]) -> Any:
        import numpy as np

        v = self.vocab
        return np.fromiter((v.setdefault(t, len(v)) for t in terms), np.int32, len(terms))

    def split(self, chunk: _Chunk) -> None:
        """Turn a chunk's term ids (its worker's) into columns."""
        import numpy as np

        m = self.maps[chunk.worker] = np.concatenate([
            self.maps.get(chunk.worker, np.zeros(0, np.int32)), self.columns_of(chunk.new_terms)])
        chunk.ids = m[chunk.ids]
        chunk.new_terms = []

    def keep(self, chunk: _Chunk, folder: Path) -> None:
        """Put a chunk's passages aside on disk (the main process stays small)."""
        if self.spool is None:
            self.spool = open(folder / "passages.spool", "w+b")  # noqa: SIM115 (closed below)
        chunk.spooled = self.spool.seek(0, os.SEEK_END)
        self.spool.write(chunk.lines)
        chunk.lines = b""

    def add(self, learned: _Learned, counted: _Counted | None) -> None:
        self._flush_run()
        rec: dict[str, Any] = {"sha256": learned.sha256, "size": learned.size,
                               "mtime_ns": learned.mtime_ns}
        self.files[learned.shown] = rec
        learned.compact()
        line = (learned.links or "").encode("utf-8") + b"\n"
        self.links.append(line)
        self.link_lengths.append(len(line))
        if counted is None:
            self.unreadable.append(learned.shown)
            self.file_ends.append(self.rows)
            return
        share = self.share
        if share is not None and share[0] is counted.chunk and share[2] == counted.a:
            share[2], share[4], share[6] = counted.b, counted.nnz_b, counted.end
        else:  # files one after another in a chunk are taken as one share of it
            self._flush_share()
            self.share = [counted.chunk, counted.a, counted.b, counted.nnz_a, counted.nnz_b,
                          counted.at, counted.end]
        self.rows += counted.b - counted.a
        self.file_ends.append(self.rows)

    def _flush_share(self) -> None:
        """Take the pending share of a chunk: passages (spooled), counts as columns."""
        if self.share is None:
            return
        chunk, a, b, nnz_a, nnz_b, at, end = self.share
        self.share = None
        assert chunk.spooled >= 0
        self.blobs.append((chunk.spooled + at, end - at))
        self.line_lengths.append(chunk.line_lengths[a:b])
        self.lengths.append(chunk.lengths[a:b])
        self.columns.append(chunk.ids[nnz_a:nnz_b])
        self.counts.append(chunk.counts[nnz_a:nnz_b])

    def add_reused(self, shown: str, rec: dict[str, Any]) -> None:
        self._flush_share()
        assert self.prev is not None
        k = self.prev.at[shown]
        if self.run is not None and self.run[1] != k:
            self._flush_run()
        if self.run is None:
            self.run = [k, k]
        self.run[1] = k + 1  # files reused one after another are copied as one run
        self.files[shown] = rec

    def flush(self) -> None:
        """Take what is pending: a share of a chunk, or a run of reused rows."""
        self._flush_share()
        self._flush_run()

    def _flush_run(self) -> None:
        """Copy the pending run of reused files: passages and link facts as bytes, counts as
        columns."""
        prev = self.prev
        if self.run is None or prev is None:
            return
        i, j = self.run
        self.run = None
        a, b = int(prev.file_rows[i]), int(prev.file_rows[j])
        self.file_ends += (prev.file_rows[i + 1:j + 1] + (self.rows - a)).tolist()
        self.links.append(prev.link_text[prev.link_at[i]:prev.link_at[j]])
        self.link_lengths += (prev.link_at[i + 1:j + 1] - prev.link_at[i:j]).tolist()
        o, p = prev.offsets, prev.indptr
        self.blobs.append(memoryview(prev.raw)[o[a]:o[b]])
        self.line_lengths.append(o[a + 1:b + 1] - o[a:b])
        self.lengths.append((p[a + 1:b + 1] - p[a:b]).astype("int32"))
        self.columns.append(prev.indices[p[a]:p[b]])
        self.counts.append(prev.data[p[a]:p[b]])
        self.rows += b - a

    def counts_matrix(self) -> tuple[Any, list[str]]:
        """Term counts of every passage (CSR), columns in sorted term order; and the terms."""
        import numpy as np
        from scipy import sparse

        self.flush()
        n, v = self.rows, len(self.vocab)
        indptr = np.zeros(n + 1, np.int64)
        if self.lengths:
            np.cumsum(np.concatenate(self.lengths), out=indptr[1:])
        columns = np.concatenate(self.columns) if self.columns else np.zeros(0, np.int32)
        counts = np.concatenate(self.counts) if self.counts else np.zeros(0, np.float32)
        self.columns, self.counts = [], []
        # terms only removed or changed files had are dropped, the rest sorted: the columns
        # depend neither on the order files were read in nor on what was reused
        terms = list(self.vocab)
        used = np.flatnonzero(np.bincount(columns, minlength=v)).tolist()
        order = sorted(used, key=terms.__getitem__)
        new = np.full(v, -1, np.int32)
        new[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int32)
        m = sparse.csr_matrix((counts.astype(np.float32, copy=False), new[columns], indptr),
                              shape=(n, len(order)))
        m.sort_indices()
        return m, [terms[c] for c in order]

    def offsets(self) -> Any:
        """Where each passage's line starts in passages.jsonl (and where the file ends)."""
        import numpy as np

        self.flush()
        lengths = np.concatenate(self.line_lengths) if self.line_lengths else np.zeros(0, np.int64)
        offsets = np.zeros(len(lengths) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return offsets

    def write_passages(self, path: Path) -> str:
        """passages.jsonl; returns its checksum."""
        self.flush()
        digest = hashlib.sha256()
        with path.open("wb") as f:
            for blob in self.blobs:
                if isinstance(blob, tuple):
                    self.spool.flush()
                    blob = os.pread(self.spool.fileno(), blob[1], blob[0])
                f.write(blob)
                digest.update(blob)
        if self.spool is not None:
            self.spool.close()
            os.unlink(self.spool.name)
            self.spool = None
        self.blobs = []
        return digest.hexdigest()


def _build_into(out: Path, corpus: Path, previous: Index | None, jobs: int,
                progress: Callable[[int, int], None] | None) -> BuildReport:
    import numpy as np

    from qa.tokenize import Tokenizer

    t0 = time.perf_counter()
    files, skipped = find_notes(corpus)
    report = BuildReport(files=len(files), skipped=skipped)
    prev: _Previous | None = None
    importing = None
    if previous is not None:
        # scipy (a third of a second or more) is imported beside the loading of the previous
        # build, mostly reading and hashing its passages, which lets other threads run
        importing = threading.Thread(target=importlib.import_module, args=("scipy.sparse",),
                                     daemon=True)
        importing.start()
    if previous is not None and _same_rules(previous.manifest):
        try:
            prev = _Previous(previous)
        except _READ_ERRORS:
            prev = None  # an index of an older layout, or damaged: build from scratch
    asm = _Assembly(prev)

    # files with the size and mtime recorded are reused; the rest are read (and reused if
    # their content is what was recorded)
    reuse: dict[str, dict[str, Any]] = {}
    work: Work = []
    for nf in files:
        rec = prev.files.get(nf.shown) if prev else None
        if rec is not None and nf.shown in prev.unreadable:  # type: ignore[union-attr]
            rec = None
        if rec is not None:
            try:
                size, mtime_ns = _stat(nf)
                if size == rec["size"] and mtime_ns == rec["mtime_ns"]:
                    reuse[nf.shown] = rec
                    continue
            except OSError:
                pass
        work.append((nf.shown, nf.location, rec["sha256"] if rec else None))
    if importing is not None:
        importing.join()  # (before any process is forked)

    state: _Tokenising | None = None
    done = 0

    def tick(n: int) -> None:  # the pass that tokenises the files read
        nonlocal done
        if progress:
            for k in range(done, min(done + n, len(work))):
                progress(k, len(work))
        done += n

    def quiet(n: int) -> None:  # passes that are quick or redo a few files
        pass

    learned: dict[str, _Learned] = {}
    counted: dict[str, _Counted] = {}
    known: LinkFacts | None = None  # the merged link facts, when learned in a first pass
    few = len(work) < PARALLEL_FILES
    if few:
        # no worker is forked (unless many files must be linked again, see below)
        state = _Tokenising(Tokenizer({}, 1), "main")  # the real one once the facts are known
        with _Workers(state, jobs, len(work)) as workers:
            for batch in workers.map(_learn_chunk, work, quiet):
                learned.update((x.shown, x) for x in batch)
    elif work:
        # Many files: one pass links them with the facts of the previous build, tokenises
        # them and learns each file's facts; the files that look up a fact that changed are
        # done again. With no previous build, a first pass learns the facts (the first
        # entry of a flag in file order wins, so no guess from a part of the files holds).
        tok = Tokenizer.full()
        tok.terms("预热")  # fill the segmenter once, before any worker is forked
        state = _Tokenising(tok, "main")
        guess = state.facts = prev.merged if prev is not None else LinkFacts()
        with _Workers(state, jobs, len(work)) as workers:
            if prev is None:  # (the workers keep the passages they parse for the next pass)
                for batch in workers.map(_learn_chunk, work, quiet):
                    for x in batch:
                        guess.update(x.facts, x.shown)
                known = guess  # all of it: what files bring is kept as JSON text from now on
                workers.everywhere(_set_facts, guess)
            for chunk in workers.map(_count_chunk, work, tick, asm.split):
                asm.keep(chunk, out)
                counted.update((c.shown, c) for c in chunk.files())
                for x in chunk.learned:
                    if known is not None:
                        x.compact()
                    learned[x.shown] = x
    for x in learned.values():
        if x.unchanged:
            reuse[x.shown] = {**prev.files[x.shown], "size": x.size,  # type: ignore[union-attr]
                              "mtime_ns": x.mtime_ns}
    # Linking reads facts from every file (the first file with a fact wins): the previous
    # build's facts, updated for the files read and removed; merged again if need be.
    facts = known
    if prev is not None:
        order = {nf.shown: i for i, nf in enumerate(files)}
        facts = prev.merged.copy()
        gone = [s for s in prev.files if s not in order]
        for s in gone + sorted((s for s, _, _ in work), key=order.__getitem__):
            r = learned.get(s)
            if r is not None and r.unchanged:
                continue
            new = r.facts if r is not None and r.error is None else LinkFacts()
            if not facts.replace(s, prev.link(s)[0], new, order):
                facts = None
                break
    if facts is None:
        facts = LinkFacts()
        for nf in files:
            r = learned.get(nf.shown)
            if nf.shown in reuse:
                if prev is not None:
                    facts.update(prev.link(nf.shown)[0], nf.shown)
            elif r is not None:
                facts.update(r.facts, nf.shown)
    if counted:  # done in one pass: again only what looks up a fact guessed wrong
        wrong = facts.changed(state.facts)  # type: ignore[union-attr]
        flip = bool(facts.table) != bool(state.facts.table)  # type: ignore[union-attr]
        todo: Work = [(s, loc, None) for s, loc, _ in work
                      if (x := learned[s]).error is None and not x.unchanged
                      and (flip and x.lookups or wrong.intersection(x.lookups))]
    else:
        todo = [(s, loc, None) for s, loc, _ in work
                if not learned[s].unchanged and learned[s].error is None]
    if prev is not None and reuse:
        # a reused file whose passages look up a fact that changed (a flag table edited
        # elsewhere) is linked again
        changed = facts.changed(prev.merged)
        if changed:
            naming = prev.naming([json.dumps(list(k), ensure_ascii=False) for k in changed])
            for nf in files:
                if nf.shown not in reuse or nf.shown not in naming:
                    continue
                old_facts, looks_up = prev.link(nf.shown)
                if changed.intersection(looks_up):
                    rec = reuse.pop(nf.shown)
                    r = learned[nf.shown] = _Learned(nf.shown, rec["sha256"], rec["size"],
                                                     rec["mtime_ns"])
                    r.facts, r.lookups = old_facts, looks_up
                    todo.append((nf.shown, nf.location, None))
    partial = False
    if few:  # the placeholder tokenizer of the first pass (keeping what it parsed)
        parsed = state.parsed if state is not None else {}
        state = None
        if todo:
            partial = len(todo) < PARALLEL_FILES and prev is not None
            state = _Tokenising(_tokenizer_for(todo, facts, previous if partial else None),
                                "main")
            state.parsed = parsed
    if todo:
        if state is None:
            state = _Tokenising(Tokenizer.full(), "main")
        state.facts = facts
        with _Workers(state, jobs, len(todo)) as workers:
            for chunk in workers.map(_count_chunk, todo, tick if few else quiet, asm.split):
                asm.keep(chunk, out)
                counted.update((c.shown, c) for c in chunk.files())
                learned.update((x.shown, x) for x in chunk.learned)

    for nf in files:
        if nf.shown in reuse:
            asm.add_reused(nf.shown, reuse[nf.shown])
            report.reused += 1
        elif nf.shown in learned:
            r = learned[nf.shown]
            if r.error is not None:
                report.skipped.append((nf.shown, r.error))
            else:
                report.parsed += 1
            asm.add(r, counted.pop(nf.shown, None))
    asm.flush()
    if not asm.rows:
        raise NotesNotFound(f"nothing to index in {corpus}: no readable Markdown notes found")
    words: dict[str, int] | None = None
    common: dict[str, int] | None = prev.common if prev is not None else None
    if state is not None:
        # the dictionary slice questions need; then the tokenizer goes, before the last phase
        tok = state.tok
        if partial:  # words of the previous build, and what the new text brings
            assert previous is not None
            # the words of the previous build (only those of terms still in use are kept
            # below), and those of the new terms
            words = dict(previous.words)
            words.update(tok.dictionary_for(bare(t) for t in asm.vocab.keys() -
                                            previous.vocab.keys() if has_cjk(t)))
        else:
            words, common = _dictionary_slices(tok, asm.vocab)
        total, settings = tok.total, tok.settings
        state = tok = None  # type: ignore[assignment]
    learned.clear()
    offsets = asm.offsets()
    counts_m, terms = asm.counts_matrix()
    with _Weighing(out / "postings.npz", counts_m, offsets, fresh=previous is None) as weighing:
        passages_sha = asm.write_passages(out / "passages.jsonl")
        same = previous if prev is not None and terms == prev.terms else None  # the same terms
        if same is not None:
            _same_file(same.root / "vocab.json", out / "vocab.json")
        else:
            (out / "vocab.json").write_text(json.dumps(terms, ensure_ascii=False), "utf-8")
        if same is not None and (words is None or partial):
            # the same terms, segmented with the same dictionary: the same words
            _same_file(same.root / "words.json", out / "words.json")
            settings = same.manifest["tokenizer"]
        else:
            if words is None or common is None:
                tok = Tokenizer.full()
                words, common = _dictionary_slices(tok, asm.vocab)
                total, settings = tok.total, tok.settings
            kept = {t: words[t] for t in terms if t in words}
            kept.update(common)
            (out / "words.json").write_text(json.dumps({"total": total, "words": kept},
                                                       ensure_ascii=False), "utf-8")
        head = json.dumps({"layout": LINKS_LAYOUT, "merged": facts.to_json(),
                           "owners": facts.owners_json(), "common": common},
                          ensure_ascii=False).encode("utf-8") + b"\n"
        link_at = np.zeros(len(asm.link_lengths) + 1, np.int64)
        link_at[0] = len(head)
        np.cumsum(asm.link_lengths, out=link_at[1:])
        link_at[1:] += len(head)
        links = b"".join([head, *asm.links])
        np.savez(out / "counts.npz", data=counts_m.data, indices=counts_m.indices,
                 indptr=counts_m.indptr.astype(np.int64),
                 shape=np.asarray(counts_m.shape, dtype=np.int64),
                 links=np.frombuffer(links, dtype=np.uint8), link_at=link_at,
                 file_rows=np.asarray([0, *asm.file_ends], dtype=np.int64))
        weighing.wait()  # postings.npz written
    manifest = {
        "format": FORMAT, "tokenizer": settings, "parser": PARSER_VERSION,
        "glossary": glossary.digest(), "lexicon": lexicon.digest(),
        "corpus": str(corpus.resolve()), "created": time.time(), "files": asm.files,
        "unreadable": asm.unreadable, "passages": asm.rows, "terms": len(terms),
        "checksums": {name: passages_sha if name == "passages.jsonl" else _sha_file(out / name)
                      for name in _FILES},
        "stamps": {name: [(st := os.stat(out / name)).st_size, st.st_mtime_ns]
                   for name in ("passages.jsonl", "postings.npz")},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    report.passages, report.terms = asm.rows, len(terms)
    report.seconds = time.perf_counter() - t0
    return report


def _write_postings(path: Path, counts: Any, offsets: Any, sklearn: bool) -> None:
    """postings.npz: each term's passages and weights (CSC), the idf, where each passage's
    line starts. A fresh build weighs with scikit-learn; a re-index with `tf_idf`, the same
    floats without the second it takes to import scikit-learn (a test holds the two equal)."""
    import numpy as np

    # (notes with no word to index, `hi`: scikit-learn refuses a matrix of no columns)
    weights, idf = (_sklearn_tf_idf if sklearn and counts.nnz else tf_idf)(counts)
    weights = weights.tocsc()
    weights.sort_indices()
    np.savez(path, indptr=weights.indptr.astype(np.int64),
             docs=weights.indices.astype(np.int32), weights=weights.data.astype(np.float32),
             idf=idf, offsets=offsets)


class _Weighing:
    """Writes postings.npz in a forked process, which weighs the counts while this one writes
    the other files: a fresh build with scikit-learn, which that process imports (about a
    second), a re-index with numpy (`tf_idf`)."""

    def __init__(self, path: Path, counts: Any, offsets: Any, fresh: bool) -> None:
        self.job = (path, counts, offsets)
        self.fresh = fresh
        self.conn: Any = None
        self.proc: Any = None

    def __enter__(self) -> _Weighing:
        import gc
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            _write_postings(*self.job, sklearn=self.fresh)
            return self
        ctx = multiprocessing.get_context("fork")
        mine, theirs = ctx.Pipe()
        gc.freeze()  # (as for the build workers: shared pages stay shared)
        try:
            self.proc = ctx.Process(target=_weigh, args=(theirs, *self.job, self.fresh),
                                    daemon=True)
            self.proc.start()
        finally:
            gc.unfreeze()
        theirs.close()
        self.conn = mine
        return self

    def wait(self) -> None:
        """Until postings.npz is written; raises what the weighing raised."""
        if self.conn is None:
            return
        try:
            error = self.conn.recv()
        except EOFError:
            raise RuntimeError("the process weighing the terms died") from None
        if error is not None:
            raise error

    def __exit__(self, kind: object, *_: object) -> None:
        if self.conn is not None:
            self.conn.close()
            if kind is not None:
                self.proc.terminate()
            self.proc.join()


def _weigh(conn: Any, path: Path, counts: Any, offsets: Any, sklearn: bool) -> None:
    """The weighing process: postings.npz written; None sent back, or the exception."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    try:
        _write_postings(path, counts, offsets, sklearn)
        error: Exception | None = None
    except Exception as e:
        error = e
    try:
        conn.send(error)
    except Exception as e:  # an exception that does not pickle
        conn.send(RuntimeError(repr(error or e)))


def _same_file(previous: Path, path: Path) -> None:
    """A file of the previous build that this one has unchanged: linked (builds never write
    to a file once made), or copied."""
    try:
        os.link(previous, path)
    except OSError:
        shutil.copyfile(previous, path)


def _same_rules(manifest: dict[str, Any]) -> bool:
    """Was this index made by the parser and tokenizer rules of this version of qa?"""
    from qa.tokenize import TOKENIZER_VERSION

    return manifest.get("parser") == PARSER_VERSION and \
        manifest.get("glossary") == glossary.digest() and \
        manifest.get("lexicon") == lexicon.digest() and \
        manifest.get("tokenizer", {}).get("version") == TOKENIZER_VERSION


def _dictionary_slices(tok: Tokenizer, terms: Iterable[str]) -> tuple[dict[str, int],
                                                                     dict[str, int]]:
    """What words.json keeps of the dictionary: the Chinese terms' words, and the words every
    question may need (the lexicon's, the most common ones)."""
    words = tok.dictionary_for(bare(t) for t in terms if not t.isascii() and has_cjk(t))
    common = tok.dictionary_for(sorted(tok.lexicon.zh_words | tok.lexicon.stop_zh))
    common.update(tok.common_words())
    return words, common


_CJK_CHAR = re.compile("[\u3400-\u9fff]")


def has_cjk(t: str) -> bool:
    """Does the text hold a Chinese character?"""
    return _CJK_CHAR.search(t) is not None


def _sklearn_tf_idf(counts: Any) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfTransformer

    tfidf = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2")
    weights = tfidf.fit_transform(counts)
    return weights, tfidf.idf_.astype("float32")


def tf_idf(counts: Any) -> tuple[Any, Any]:
    """Term weights of a CSR matrix of term counts, and the idf of each term: sublinear tf
    times smoothed idf, each row scaled to unit length. The same float32 numbers that
    scikit-learn's `TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2")` gives:
    its operations in its order, a row's squares summed in float64 one term at a time."""
    import numpy as np
    from scipy import sparse

    n, v = counts.shape
    idf = np.full(v, n + 1, dtype=np.float32)
    df = np.bincount(counts.indices, minlength=v).astype(np.float32)
    df += 1.0
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    data = counts.data.astype(np.float32)  # a copy
    np.log(data, out=data)
    data += 1.0
    data *= idf[counts.indices]
    # each row's sum of squares in float64, a term at a time in order (as bincount adds)
    lengths = np.diff(counts.indptr)
    sums = np.bincount(np.repeat(np.arange(n), lengths), weights=data * data,
                       minlength=n).astype(np.float64, copy=False)  # (no terms: ints)
    norms = np.sqrt(sums, out=sums)
    norms[norms == 0.0] = 1.0  # (an empty row stays as it is)
    # float32 over float64, rounded to float32
    np.divide(data, np.repeat(norms, lengths), out=data, casting="unsafe")
    return sparse.csr_matrix((data, counts.indices, counts.indptr), shape=(n, v)), idf
