"""One tokenizer for notes and questions: jieba for Chinese, code-aware rules for the rest.

Flags (`--memory`, `-P`: case kept), `$(...)` snippets, paths and hyphenated names
(`docker-machine`) are kept whole and also split into their parts; English words are stemmed;
Chinese runs are segmented by our own `jieba.Tokenizer` (HMM off) and, as jieba's search mode
does, also yield the dictionary words inside long words. Stopwords (question words) are dropped.
"""

from __future__ import annotations

import math
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.lexicon import Lexicon, load_lexicon, stem

_CJK_RUN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
_JIEBA_HAN = re.compile("[\u4e00-\u9fd5]+")  # what jieba's cut() hands whole to its DAG
# Every alternative reads a bounded stretch before it can fail, so scanning stays linear on
# any input (a megabyte of `-` or of `$(`): a substitution is at most 400 characters, a code
# token starts within 8 characters of punctuation.
_SCAN = re.compile(
    r"(?P<sub>\$\((?:[^()\n]|\([^()\n]{0,200}\)){0,200}\))"
    r"|(?P<flag>(?<![A-Za-z0-9_./:=~-])(?:--[A-Za-z0-9][A-Za-z0-9-]*|-[A-Za-z]{1,3}(?![A-Za-z0-9_])))"
    r"|(?P<code>[~./:@<>=+%-]{0,8}[A-Za-z0-9_][A-Za-z0-9_~./:@<>=+%-]*)"
    rf"|(?P<cjk>{_CJK_RUN})")
_PARTS = re.compile(r"[a-z][a-z0-9]*|[0-9]+[a-z][a-z0-9]*|[0-9]+")
# a pasted colour code (ESC [ 1 m) or terminal title (ESC ] ... BEL) is not part of a question
_ESCAPES = re.compile(r"\x1b\[[0-9;?]{0,32}[ -/]{0,4}[@-~]|\x1b\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)?"
                      r"|\x1b[@-Z\\-_]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\x00-\x08\x0b-\x1f\x7f]")
DIRECTION_MARKERS = frozenset({"从", "到"})  # 从X 到Y: which way a copy or move goes
_MARKER = re.compile("|".join(map(re.escape, sorted(DIRECTION_MARKERS))))
TOKENIZER_VERSION = 29
FUNCTION_USAGE = 30000  # a character used more often than this alone is a function word (时, 却)
COMMON_WORDS = 50000
DEFAULT_WORD_FREQ = 2000  # frequency given to lexicon words jieba's dictionary lacks


_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_CAMEL_JOIN = re.compile(r"[a-z][A-Z]")
_LETTERS = re.compile(r"[a-z]+")
_FILE_NAME = re.compile(r"[a-z][_.-]\w")  # sshd_config, nginx.conf
_SIZE = re.compile(r"\+?(\d+(?:\.\d+)?)([kmgtp])(?:i?b)?")  # a quantity of bytes, lower case


def _camel_words(word: str) -> list[str]:
    """The words of a name written in camel case (`PermitRootLogin`, `createIndex`,
    `PasswordAuthentication`); none for a product's name (GitHub, MySQL, PostgreSQL, DevOps),
    which is one word, nor for a word in capitals."""
    if not _CAMEL_JOIN.search(word):
        return []
    parts = _CAMEL.findall(word)
    if word[0].islower() or len(parts) >= 3 or all(len(p) >= 4 and not p.isupper()
                                                   for p in parts):
        return [p.lower() for p in parts]
    return []


def normalize(text: str) -> str:
    """NFKC (full-width -> ASCII); no terminal escape sequences, invisible or control characters;
    a flag whose dash a word processor turned into a typographic one (`–d`, `—rm`) as typed."""
    text = unicodedata.normalize("NFKC", text)
    if "\u2013" in text or "\u2014" in text:
        text = dash_flags(text)
    if "\x1b" in text:  # (what every escape sequence starts with)
        text = _ESCAPES.sub(" ", text)
    return _INVISIBLE.sub(" ", text)


# an en or em dash (or two) leading a word: a flag's `-` or `--` autocorrected (`–d`, `—rm`)
_DASH_FLAG = re.compile(r"(?<![^\s(\[=])(\u2013\u2013|\u2014|\u2013)(?=[A-Za-z])")


def dash_flags(text: str) -> str:
    """`docker run –d` -> `docker run -d`, `—rm` -> `--rm`: flags as they are typed."""
    return _DASH_FLAG.sub(lambda m: "-" if m.group(1) == "\u2013" else "--", text)


@dataclass(frozen=True)
class Unit:
    """One word-like piece of text, in order. `forms` are the index terms it stands for."""

    kind: str  # flag | code | word | num | zh | unk | sub | stop (no forms)
    surface: str
    forms: tuple[str, ...]


_import_lock = threading.Lock()
_UNSEEN: Any = object()  # not looked up yet


def _import_jieba() -> Any:
    """Import jieba without its pkg_resources import (slow) and with its logger silenced."""
    with _import_lock:
        if "jieba" not in sys.modules:
            had = "pkg_resources" in sys.modules
            if not had:
                sys.modules["pkg_resources"] = None  # type: ignore[assignment]
            try:
                import jieba
            finally:
                if not had:
                    del sys.modules["pkg_resources"]
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        return jieba


_DICT_LINE = r"^({}) ([0-9]+)(?![^ \n])"  # `word frequency [tag]`


def _dictionary_lines(word: str) -> list[tuple[str, str]]:
    """(word, frequency) of the lines of jieba's own dictionary (read as text, no cache files)
    whose word matches the pattern `word`."""
    jieba = _import_jieba()
    text = Path(jieba.__file__).with_name("dict.txt").read_text("utf-8")
    return re.findall(_DICT_LINE.format(word), text, re.M)


def full_dictionary() -> tuple[dict[str, int], int]:
    """jieba's own dictionary as {word: frequency}, and the total frequency."""
    lines = _dictionary_lines("[^ \n]+")
    return {w: int(n) for w, n in lines}, sum(int(n) for _, n in lines)


def dictionary_words(chars: Iterable[str]) -> dict[str, int]:
    """The words of jieba's dictionary made of these characters only: picked out of its text,
    which is faster than reading all of it."""
    allowed = "".join(re.escape(c) for c in sorted(set(chars) - {" ", "\n"}))
    return {w: int(n) for w, n in _dictionary_lines(f"[{allowed}]+")} if allowed else {}


class Tokenizer:
    """Text -> index terms. Build it with `Tokenizer.full()` (indexing) or from the words kept
    in an index (`Tokenizer(words, total)`, questions): both segment the notes' words alike."""

    def __init__(self, words: Mapping[str, int], total: int,
                 lexicon: Lexicon | None = None, *, prefixes: bool = True) -> None:
        """`prefixes`: find words through jieba's prefix dictionary (fast over much text;
        building it takes a while), else by trying every length up to the longest word (for
        short questions: nothing to build). Both find the same words."""
        self.lexicon = lexicon or load_lexicon()
        self.words = dict(words)
        self._usage = words  # how common a word is in the language (before the lexicon's say)
        for w in self.lexicon.zh_words | self.lexicon.stop_zh:
            if len(w) > 1 and self.words.get(w, 0) < DEFAULT_WORD_FREQ:
                self.words[w] = DEFAULT_WORD_FREQ  # lexicon words stay whole (本机, 时区, 最多)
        self.total = total
        self.keep_single = frozenset(w for w in self.lexicon.zh_words if len(w) == 1)
        self.prefixes = prefixes
        self._longest = max(map(len, self.words), default=1)
        self._jieba: Any = None
        self._runs: dict[str, list[Unit]] = {}  # Chinese run -> its units
        self._codes: dict[str, list[Unit]] = {}  # code token -> its units
        self._flags: dict[str, Unit] = {}  # flag -> its unit
        self._costs: dict[str, float] = {}  # word -> its log probability (jieba's calc)
        self._prefix_costs: dict[str, float | None] = {}
        self._words: dict[str, Unit] = {}  # word of the dictionary -> its unit
        self._lock = threading.Lock()

    @classmethod
    def full(cls, lexicon: Lexicon | None = None) -> Tokenizer:
        words, total = full_dictionary()
        return cls(words, total, lexicon)

    @property
    def settings(self) -> dict[str, Any]:
        """What an index must record to be read with the same rules."""
        return {"version": TOKENIZER_VERSION, "hmm": False, "stem": "light-1",
                "direction_markers": sorted(DIRECTION_MARKERS)}

    def _segmenter(self) -> Any:
        with self._lock:
            if self._jieba is None:
                jieba = _import_jieba()
                tk = jieba.Tokenizer()
                # Fill the prefix dictionary ourselves: no dictionary cache is read or written.
                # (every prefix 0, then the words themselves: a prefix that is a word keeps n)
                freq = dict.fromkeys({w[:i] for w in self.words for i in range(1, len(w))}, 0)
                freq.update(self.words)
                tk.FREQ, tk.total, tk.initialized = freq, self.total, True
                self._jieba = tk
            return self._jieba

    def dictionary_for(self, terms: Iterable[str]) -> dict[str, int]:
        """The slice of the dictionary a question needs: the words among `terms`."""
        return {t: self._usage[t] for t in terms if self._usage.get(t)}

    def common_words(self, n: int = COMMON_WORDS) -> dict[str, int]:
        """The n most frequent words of the language: questions use them even when notes don't."""
        top = sorted(self._usage.items(), key=lambda kv: -kv[1])[:n]
        return dict(top)

    def usage(self, word: str) -> int:
        """How often the word is used in the language (jieba's counts; 0: not a word of it)."""
        return self._usage.get(word, 0)

    def background_weight(self, word: str) -> float:
        """How much a word the notes lack should count, from its frequency in the language:
        everyday words (已经, 现在) hardly at all, rare ones (咖啡, 闭包) fully."""
        f = self.usage(word)
        if not f:
            return 1.0
        surprise = math.log(self.total / f)
        return min(1.0, max(0.15, (surprise - 7.0) / 4.0))

    # --- units --------------------------------------------------------------------------
    def units(self, text: str) -> list[Unit]:
        return self._units(normalize(text))

    def _units(self, text: str) -> list[Unit]:
        """The units of a normalized text."""
        out: list[Unit] = []
        for m in _SCAN.finditer(text):
            kind = m.lastgroup
            s = m.group(0)
            if kind == "sub":
                out.append(Unit("sub", s, (s.lower(),)))
                out.extend(self.units(s[2:-1]))
            elif kind == "flag":
                flag = self._flags.get(s)
                if flag is None:  # flags repeat (-it, --rm)
                    if len(self._flags) >= 50_000:
                        self._flags.clear()
                    flag = self._flags[s] = Unit("flag", s, (s,))
                out.append(flag)
            elif kind == "code":
                code = self._codes.get(s)
                if code is None:  # code tokens repeat (docker, -it): stem each once
                    if len(self._codes) >= 50_000:
                        self._codes.clear()
                    code = self._codes[s] = self._code(s)
                out.extend(code)
            elif kind == "cjk":
                run = self._runs.get(s)
                if run is None:  # runs repeat (容器, 镜像): segment each once
                    if len(self._runs) >= 100_000:
                        self._runs.clear()
                    run = self._runs[s] = self._chinese(s)
                out.extend(run)
        return out

    def _code(self, s: str) -> list[Unit]:
        low = s.lower().strip("./:=-")
        if not low:
            return []
        if low.isdigit():
            return [Unit("num", low, (low,))]
        if _LETTERS.fullmatch(low):
            w = stem(low)
            if w in self.lexicon.stop_en or len(low) == 1:  # `s` of `container's`
                return [Unit("stop", low, ())]
            camel = _camel_words(s)
            if camel:  # `PermitRootLogin`, `createIndex`: the words it is made of count too
                said = [stem(p) for p in camel if stem(p) not in self.lexicon.stop_en]
                return [Unit("code", s, tuple(dict.fromkeys([w, *said])))]
            return [Unit("word", low, (w,))]
        parts = [stem(p) for p in _PARTS.findall(low)]
        if size := _SIZE.fullmatch(low):  # 100MB, 100M, 100m, 512MiB: one size
            parts.append(size.group(1) + size.group(2))
        # the words of a camel-case part (`Test-NetConnection`, `Get-ChildItem`: net connection)
        parts += [stem(w) for p in re.findall(r"[A-Za-z]+", s) for w in _camel_words(p)]
        if "/" in low:  # a file of a path is a name of its own (sshd_config, nginx.conf)
            parts += [f for f in low.split("/") if f != low and _FILE_NAME.search(f)]
        forms = tuple(dict.fromkeys([low, *(p for p in parts if p not in self.lexicon.stop_en)]))
        return [Unit("code", s, forms)]

    def _chinese(self, run: str) -> list[Unit]:
        freq = self.words
        stop = self.lexicon.stop_zh
        out: list[Unit] = []
        pending: list[str] = []  # single characters in a row

        def flush() -> None:
            # Single characters in a row are a word the dictionary lacks (闭包 -> 闭 包),
            # unless each is a word of its own the lexicon knows (删, 拷).
            if len(pending) > 1 and any(c not in self.keep_single for c in pending) \
                    or len(pending) == 1 and not freq.get(pending[0]) \
                    and pending[0] not in self.keep_single:
                out.append(self._unknown("".join(pending)))
            else:
                out.extend(map(self._single, pending))
            pending.clear()

        for w in self._cut(run) if _JIEBA_HAN.fullmatch(run) else \
                self._segmenter().cut(run, HMM=False):
            if len(w) == 1 and w not in stop:
                pending.append(w)
                continue
            if pending:
                flush()
            if w in stop:
                out.append(Unit("stop", w, ()))
                continue
            unit = self._words.get(w)
            if unit is None:  # words repeat far more than runs do
                forms = [w]
                if len(w) > 2:
                    forms += [w[i:i + 2] for i in range(len(w) - 1) if freq.get(w[i:i + 2])]
                if len(w) > 3:
                    forms += [w[i:i + 3] for i in range(len(w) - 2) if freq.get(w[i:i + 3])]
                unit = self._words[w] = Unit("zh", w, tuple(dict.fromkeys(forms)))
            out.append(unit)
        flush()
        return out

    def without_function_chars(self, u: Unit) -> list[Unit]:
        """A word the dictionary lacks split at the characters the language uses everywhere
        (时漏: 时 and 漏; 时却报: 时, 却, 报): in a question, such a run is mostly function
        characters glued to a word, not a word of its own."""
        function = {c for c in u.surface
                    if self.usage(c) >= FUNCTION_USAGE and c not in self.keep_single}
        if not function:
            return [u]
        out: list[Unit] = []
        for piece in re.split(f"([{''.join(function)}])", u.surface):
            if piece:
                out.append(self._unknown(piece) if len(piece) > 1 else self._single(piece))
        return out

    def _unknown(self, word: str) -> Unit:
        """Characters no word holds, as one word; those the lexicon knows alone are forms."""
        return Unit("unk", word, tuple(dict.fromkeys(
            [word, *(c for c in word if c in self.keep_single)])))

    def _single(self, c: str) -> Unit:
        """A character alone: a word when the lexicon knows it so (删, 拷), else nothing."""
        return Unit("zh", c, (c,)) if c in self.keep_single else Unit("stop", c, ())

    def _cut(self, run: str) -> list[str]:
        """jieba's `cut(run, HMM=False)` of a run of its Chinese characters, the same words:
        its DAG and route search in one loop, each word's log probability computed once."""
        n = len(run)
        score = [0.0] * (n + 1)  # jieba's route: (score, end) from each position
        end = [0] * (n + 1)
        if self.prefixes:
            self._route(run, score, end)
        else:
            self._route_by_length(run, score, end)
        out = []
        k = 0
        while k < n:
            out.append(run[k:end[k] + 1])
            k = end[k] + 1
        return out

    def _route(self, run: str, score: list[float], end: list[int]) -> None:
        """`_route_by_length` through the prefix dictionary: a fragment that is no word's
        prefix ends the words starting there (what jieba's DAG does)."""
        freq = self._segmenter().FREQ
        costs = self._prefix_costs  # fragment -> log probability; None: a prefix, not a word
        n = len(run)
        lone = math.log(1) - math.log(self.total)
        for k in range(n - 1, -1, -1):
            best, best_end = 0.0, -1
            i, frag = k, run[k]
            while i < n and frag in freq:
                cost = costs.get(frag, _UNSEEN)
                if cost is _UNSEEN:
                    f = freq[frag]
                    cost = costs[frag] = math.log(f) - math.log(self.total) if f else None
                if cost is not None:
                    s = cost + score[i + 1]
                    if best_end < 0 or s >= best:  # max() of (score, end): a tie, the longer
                        best, best_end = s, i
                i += 1
                frag = run[k:i + 1]
            if best_end < 0:  # no word starts here: the character alone
                best, best_end = lone + score[k + 1], k
            score[k], end[k] = best, best_end

    def _route_by_length(self, run: str, score: list[float], end: list[int]) -> None:
        """jieba's route search over the words of every length up to the longest."""
        freq = self.words
        n = len(run)
        costs = self._costs
        for k in range(n - 1, -1, -1):
            best, best_end = 0.0, -1
            i, frag = k, run[k]
            last = min(n, k + self._longest)
            while i < last:
                if freq.get(frag):
                    cost = costs.get(frag)
                    if cost is None:
                        cost = costs[frag] = math.log(freq[frag]) - math.log(self.total)
                    s = cost + score[i + 1]
                    if best_end < 0 or s >= best:  # max() of (score, end): a tie, the longer
                        best, best_end = s, i
                i += 1
                frag = run[k:i + 1]
            if best_end < 0:  # no word starts here: the character alone
                best, best_end = math.log(1) - math.log(self.total) + score[k + 1], k
            score[k], end[k] = best, best_end

    # --- terms --------------------------------------------------------------------------
    def terms(self, text: str) -> list[str]:
        """The index terms of a text: every form of every unit, plus direction pairs."""
        norm = normalize(text)
        units = [u for u in self._units(norm) if u.forms]
        out = [f for u in units for f in u.forms]
        if _MARKER.search(norm):  # (a form is a piece of the text: no marker, no pair)
            out += direction_pairs([u.forms for u in units])
        return out


def direction_pairs(seq: list[tuple[str, ...]] | list[frozenset[str]]) -> list[str]:
    """`从 容器` -> `从>容器`: the word after a direction marker, marked (one rule, both sides)."""
    out: list[str] = []
    for here, nxt in zip(seq, seq[1:], strict=False):
        if DIRECTION_MARKERS.isdisjoint(here):
            continue
        for marker in DIRECTION_MARKERS.intersection(here):
            out += [f"{marker}>{f}" for f in nxt if f not in DIRECTION_MARKERS]
    return out
