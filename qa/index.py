"""The TF-IDF index of a notes collection: build (scikit-learn), save, load (numpy only), staleness.

On disk, an index folder holds `CURRENT` (the name of the active build) and build folders.
A build folder holds:
  manifest.json   format, tokenizer settings, per-file content hashes, checksums of the rest
  passages.jsonl  one passage a line (read lazily by byte offset)
  vocab.json      the terms, in column order
  words.json      the dictionary slice that segments questions like the notes
  postings.npz    term -> (passage, weight) postings, idf, passage offsets
  counts.npz      raw term counts a passage (reused for unchanged files on the next build)
Nothing is ever unpickled: JSON and `.npz` read with `allow_pickle=False`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    path: Path  # on disk
    shown: str  # as sources show it


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
    """The notes files of a corpus (a file or a folder), and what was skipped on the way."""
    skipped: list[tuple[str, str]] = []
    if corpus.is_file():
        return [NoteFile(corpus, corpus.name)], skipped
    if not corpus.is_dir():
        raise NotesNotFound(f"no notes at {corpus}: give --corpus a Markdown file or a folder of them")
    out: list[NoteFile] = []
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(corpus, followlinks=True, onerror=lambda e: skipped.append(
            (str(e.filename), e.strerror or "unreadable"))):
        try:
            st = os.stat(root)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:  # a symlink loop: walk each real folder once
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules",))
        for name in sorted(files):
            if name.lower().endswith(NOTE_SUFFIXES) and not name.startswith("."):
                p = Path(root) / name
                out.append(NoteFile(p, (Path(corpus.name) / p.relative_to(corpus)).as_posix()))
    return out, skipped


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- indexed text of a passage -------------------------------------------------------------
BACKGROUND = "~"  # prefix of terms from a passage's surroundings (context, section)


def indexed_text(p: Passage) -> list[tuple[str, int, bool]]:
    """The fields of a passage that are indexed: (text, repetitions, background?).

    Background fields (the sentence introducing a group of commands, the section, what a
    command's flags do) are indexed under their own terms, so a match there counts less."""
    if p.kind == "command":
        flags = " ".join(f.description for f in p.flags)
        return [(p.description, 2, False), (p.command or "", 2, False), (p.context, 1, True),
                (p.section, 1, True), (flags, 1, True)]
    if p.kind == "flag":
        # the words of a long flag's name are English for what it does (--publish-all)
        words = " ".join(f.long.lstrip("-").replace("-", " ") for f in p.flags if f.long)
        return [(p.text, 2, False), (words, 1, False), (p.context, 1, True),
                (p.section, 1, True)]
    if p.kind == "code":
        return [(p.description, 2, False), (p.text, 1, False), (p.context, 1, True),
                (p.section, 1, True)]
    return [(p.text, 2, False), (p.section, 1, True)]


def passage_terms(p: Passage, tok: Tokenizer) -> list[str]:
    out: list[str] = []
    for text, weight, background in indexed_text(p):
        if text:
            terms = tok.terms(text)
            if background:
                terms = [BACKGROUND + t for t in terms]
            out += terms * weight
    return out


def flags_in(command: str) -> list[str]:
    """Flag names used in a command line, combined short flags split (`-aq` -> `-a`, `-q`)."""
    names = re.findall(r"(?<![\w./:=-])(--?[A-Za-z][\w-]*)", command)
    out: list[str] = []
    for n in names:
        m = _SHORT_RUN.fullmatch(n)
        out += [f"-{c}" for c in m.group(1)] if m and not n.startswith("--") else [n.split("=")[0]]
    return out


def link_flags(passages: list[Passage]) -> list[Passage]:
    """Give each command the flag entries (of its own command family) that it uses."""
    table: dict[tuple[str | None, str], FlagEntry] = {}
    for p in passages:
        for f in p.flags:
            for name in f.names:
                table.setdefault((f.command, name), f)
    if not table:
        return passages
    examples: dict[tuple[str | None, str], str] = {}
    for p in passages:
        if p.kind == "command" and p.command:
            family = command_family(p.command)
            for name in flags_in(p.command):
                examples.setdefault((family, name), p.command)
    out = []
    for p in passages:
        if p.kind == "flag" and p.command is None and p.flags:
            # a flag entry's runnable line: the first command of the notes that uses it
            f = p.flags[0]
            example = next((examples[(f.command, n)] for n in f.names if (f.command, n) in examples),
                           None)
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
        out.append(p)
    return out


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
        if len(files) != len(recorded) - len(index.manifest.get("unreadable", [])):
            return True
        for nf in files:
            rec = recorded.get(nf.shown)
            if rec is None:
                return True
            try:
                st = nf.path.stat()
            except OSError:
                return True
            if st.st_size == rec["size"] and st.st_mtime_ns == rec["mtime_ns"]:
                continue
            try:
                if _sha(nf.path.read_bytes()) != rec["sha256"]:
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


def _read_note(nf: NoteFile) -> tuple[bytes | None, str | None]:
    try:
        data = nf.path.read_bytes()
    except OSError as e:
        return None, e.strerror or "unreadable"
    return data, None


def _parse_one(shown: str, data: bytes, tok: Tokenizer) -> tuple[list[Passage], str | None]:
    try:
        text = decode(data)
    except ValueError as e:
        return [], str(e)
    return parse_text(text, shown).passages, None


def _build_into(out: Path, corpus: Path, previous: Index | None, jobs: int,
                progress: Callable[[int, int], None] | None) -> BuildReport:
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer

    from qa.tokenize import Tokenizer

    t0 = time.perf_counter()
    files, skipped = find_notes(corpus)
    report = BuildReport(files=len(files), skipped=skipped)
    if previous is not None and not _same_rules(previous.manifest):
        previous = None  # passages and terms of another parser or tokenizer: nothing to reuse
    prev_files: dict[str, dict[str, Any]] = previous.manifest["files"] if previous else {}
    prev_counts = None
    if previous is not None:
        try:
            with np.load(previous.root / "counts.npz", allow_pickle=False) as z:
                prev_counts = sparse.csr_matrix((z["data"], z["indices"], z["indptr"]),
                                                shape=tuple(z["shape"]))
        except (OSError, ValueError, KeyError):
            prev_counts = None

    tok: Tokenizer | None = None
    manifest_files: dict[str, dict[str, Any]] = {}
    passages: list[Passage] = []
    rows: list[list[str] | tuple[int, int]] = []  # term lists, or (start, end) rows of prev_counts
    unreadable: list[str] = []
    for k, nf in enumerate(files):
        if progress:
            progress(k, len(files))
        data, err = _read_note(nf)
        if data is None:
            report.skipped.append((nf.shown, err or "unreadable"))
            continue
        digest = _sha(data)
        st = nf.path.stat()
        rec = prev_files.get(nf.shown)
        if rec and rec["sha256"] == digest and prev_counts is not None and previous is not None \
                and "rows" in rec:
            a, b = rec["rows"]
            start = len(passages)
            passages.extend(previous.passage(i) for i in range(a, b))
            rows.extend((i, i + 1) for i in range(a, b))
            report.reused += 1
        else:
            if tok is None:
                tok = Tokenizer.full()
            found, err = _parse_one(nf.shown, data, tok)
            if err:
                report.skipped.append((nf.shown, err))
                unreadable.append(nf.shown)
                manifest_files[nf.shown] = {"sha256": digest, "size": st.st_size,
                                            "mtime_ns": st.st_mtime_ns}
                continue
            start = len(passages)
            passages.extend(found)
            rows.extend([None] * len(found))  # type: ignore[list-item]
            report.parsed += 1
        manifest_files[nf.shown] = {"sha256": digest, "size": st.st_size,
                                    "mtime_ns": st.st_mtime_ns, "rows": [start, len(passages)]}
    if not passages:
        raise NotesNotFound(f"nothing to index in {corpus}: no readable Markdown notes found")

    linked = link_flags(passages)
    # A passage whose linked flags changed must be re-tokenised too (cheap; flags are not indexed).
    vocab: dict[str, int] = {}
    prev_terms = previous.terms if previous is not None else []
    remap: dict[int, int] = {}
    indptr = [0]
    indices: list[int] = []
    data_: list[float] = []
    for i, p in enumerate(linked):
        r = rows[i]
        counts: dict[int, float] = {}
        if r is None:
            if tok is None:
                tok = Tokenizer.full()
            for t in passage_terms(p, tok):
                col = vocab.setdefault(t, len(vocab))
                counts[col] = counts.get(col, 0.0) + 1.0
        else:
            assert prev_counts is not None
            a = prev_counts.indptr[r[0]]
            b = prev_counts.indptr[r[0] + 1]
            for old, c in zip(prev_counts.indices[a:b], prev_counts.data[a:b]):
                col = remap.get(int(old))
                if col is None:
                    col = remap[int(old)] = vocab.setdefault(prev_terms[int(old)], len(vocab))
                counts[col] = counts.get(col, 0.0) + float(c)
        indices.extend(counts)
        data_.extend(counts.values())
        indptr.append(len(indices))
    shape = (len(linked), len(vocab))
    counts_m = sparse.csr_matrix((np.asarray(data_, dtype=np.float32),
                                  np.asarray(indices, dtype=np.int32),
                                  np.asarray(indptr, dtype=np.int64)), shape=shape)
    tfidf = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2")
    weights = tfidf.fit_transform(counts_m).tocsc()
    weights.sort_indices()
    terms = [""] * len(vocab)
    for t, c in vocab.items():
        terms[c] = t

    # passages, one JSON a line, with byte offsets for lazy reading
    offsets = [0]
    with (out / "passages.jsonl").open("wb") as f:
        for p in linked:
            line = json.dumps(p.to_dict(), ensure_ascii=False).encode("utf-8") + b"\n"
            f.write(line)
            offsets.append(offsets[-1] + len(line))
    (out / "vocab.json").write_text(json.dumps(terms, ensure_ascii=False), "utf-8")
    if tok is None:
        tok = Tokenizer.full()
    words = tok.dictionary_for(w for t in terms for w in (t,) if _has_cjk(t))
    words.update(tok.dictionary_for(tok.lexicon.zh_words | tok.lexicon.stop_zh))
    words.update(tok.common_words())
    (out / "words.json").write_text(json.dumps({"total": tok.total, "words": words},
                                               ensure_ascii=False), "utf-8")
    np.savez(out / "postings.npz", indptr=weights.indptr.astype(np.int64),
             docs=weights.indices.astype(np.int32), weights=weights.data.astype(np.float32),
             idf=tfidf.idf_.astype(np.float32), offsets=np.asarray(offsets, dtype=np.int64))
    np.savez(out / "counts.npz", data=counts_m.data, indices=counts_m.indices,
             indptr=counts_m.indptr, shape=np.asarray(shape, dtype=np.int64))
    manifest = {
        "format": FORMAT, "tokenizer": tok.settings, "parser": PARSER_VERSION, "corpus": str(corpus.resolve()),
        "created": time.time(), "files": manifest_files, "unreadable": unreadable,
        "passages": len(linked), "terms": len(terms),
        "checksums": {name: _sha((out / name).read_bytes()) for name in _FILES},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    report.passages, report.terms = len(linked), len(terms)
    report.seconds = time.perf_counter() - t0
    return report


def _same_rules(manifest: dict[str, Any]) -> bool:
    """Was this index made by the parser and tokenizer rules of this version of qa?"""
    from qa.tokenize import TOKENIZER_VERSION

    return manifest.get("parser") == PARSER_VERSION and \
        manifest.get("tokenizer", {}).get("version") == TOKENIZER_VERSION


def _has_cjk(t: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in t)
