"""The bilingual domain lexicon (data in `qa/data/lexicon.json`): concepts and stopwords."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_ED_UNDOUBLE = re.compile(r"([bdgmnprt])\1$")


def stem(word: str) -> str:
    """A light English stemmer: containers/container, removing/removed/remove, copies/copy."""
    w = word.lower()
    if len(w) == 3 and w.endswith("s") and w[1] not in "su":
        return w[:-1]  # ids, vms, ips
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "xes", "zes", "ches", "shes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5 and re.search(r"[aeiouy]", w[:-3]):
        # (after a plural's s too: endings is ending is end)
        w = _ED_UNDOUBLE.sub(r"\1", w[:-3])
    elif w.endswith("ed") and len(w) > 4 and re.search(r"[aeiouy]", w[:-2]):
        w = _ED_UNDOUBLE.sub(r"\1", w[:-2])
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


@dataclass(frozen=True)
class Concept:
    """Interchangeable terms of one meaning, in English (stemmed words), Chinese and commands."""

    en: tuple[tuple[str, ...], ...]  # each English term as a tuple of stemmed words
    zh: tuple[str, ...]
    cmd: tuple[str, ...]
    rel: tuple[str, ...] = ()  # related, not synonymous words (weaker matches), as written
    weight: float = 1.0  # below 1 for qualifiers (all, last, random) that refine a question


@dataclass(frozen=True)
class Lexicon:
    concepts: tuple[Concept, ...]
    stop_en: frozenset[str]  # stemmed
    stop_zh: frozenset[str]
    explain: tuple[str, ...] = ()  # words asking what something is or why (为什么, purpose)
    howto: tuple[str, ...] = ()  # words asking for a way to do something (命令, how)
    # words asking whether, or for a thing (吗, 什么; English ones start the question)
    fact_zh: tuple[str, ...] = ()
    fact_en: frozenset[str] = frozenset()
    # what may follow a verb to say how it ends (改好, 存成, 删掉): 改好 means what 改 does
    complements: frozenset[str] = frozenset()
    # actions that undo each other (compress/extract, push/pull), each named by an English
    # term of its concepts
    opposite_terms: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    negations: frozenset[str] = frozenset()  # words saying what is not wanted (without, 不让)
    words_en: tuple[str, ...] = ()  # the one-word English terms, as written

    @functools.cached_property
    def opposites(self) -> dict[int, frozenset[int]]:
        """Concept -> the concepts of the action that undoes it."""
        index = self.english_index()
        out: dict[int, set[int]] = {}
        for a, b in self.opposite_terms:
            for one, other in ((a, b), (b, a)):
                for c in index.get(one, []):
                    out.setdefault(c, set()).update(index.get(other, []))
        return {c: frozenset(o) for c, o in out.items()}

    @functools.cached_property
    def _explain_re(self) -> re.Pattern[str]:
        return _any_of(self.explain)

    @functools.cached_property
    def _howto_re(self) -> re.Pattern[str]:
        return _any_of(self.howto)

    def explain_word(self, word: str) -> bool:
        """Is this word of a question one that asks what or why (作用, mean), not its subject?"""
        return bool(self.explain and self._explain_re.fullmatch(word.strip()))

    def asks_explain(self, question: str) -> bool:
        """Does the question ask what something is or why, rather than how to do a thing?"""
        return bool(self.explain and self._explain_re.search(question)
                    and not (self.howto and self._howto_re.search(question)))

    @functools.cached_property
    def _fact_re(self) -> re.Pattern[str]:
        return _any_of(self.fact_zh)

    def asks_fact(self, question: str) -> bool:
        """Does the question ask whether something is so, or which thing, rather than for a
        way to do one (`改完 fstab 怎么检查`, `take an lvm snapshot`)?"""
        if self.howto and self._howto_re.search(question):
            return False
        first = re.match(r"\s*([A-Za-z]+)", question)
        return bool(first and first.group(1).lower() in self.fact_en
                    or self.fact_zh and self._fact_re.search(question))

    @property
    def zh_words(self) -> frozenset[str]:
        return frozenset(w for c in self.concepts for w in c.zh)

    def english_index(self) -> dict[tuple[str, ...], list[int]]:
        """English term (stemmed words) -> the concepts it belongs to."""
        out: dict[tuple[str, ...], list[int]] = {}
        for i, c in enumerate(self.concepts):
            for term in c.en:
                out.setdefault(term, []).append(i)
        return out

    @functools.cached_property
    def written_en(self) -> frozenset[str]:
        """The one-word English terms as written (pipe, not its stem pip)."""
        return frozenset(self.words_en)

    @functools.cached_property
    def spelled(self) -> dict[str, str]:
        """Each one-word English term's stem -> the term as written (the shortest: remove, not
        removed); only a question with a typo to show needs it."""
        out: dict[str, str] = {}
        for w in sorted(self.words_en, key=len):
            out.setdefault(_stem(w), w)
        return out

    @functools.cached_property
    def chinese_index(self) -> dict[str, list[int]]:
        """Chinese term -> the concepts it belongs to."""
        out: dict[str, list[int]] = {}
        for i, c in enumerate(self.concepts):
            for term in c.zh:
                out.setdefault(term, []).append(i)
        return out

    def chinese_word(self, word: str) -> str:
        """The lexicon word a Chinese word is: itself, or the verb it ends (存成 -> 存);
        "" when the lexicon has neither."""
        index = self.chinese_index
        if word in index:
            return word
        return word[:-1] if word[-1:] in self.complements and word[:-1] in index else ""


def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the words: Chinese ones anywhere, English ones as whole words."""
    alts = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) if not w.isascii() else
                               r"(?<![A-Za-z])" + re.escape(w) + r"(?![A-Za-z])" for w in alts),
                      re.IGNORECASE)


def english_words(text: str) -> tuple[str, ...]:
    return tuple(_stem(w) for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", text))


_stem = lru_cache(maxsize=16384)(stem)  # the lexicon repeats its words


def parse_lexicon(data: dict) -> Lexicon:
    concepts = tuple(
        Concept(en=tuple(t for t in (english_words(e) for e in c.get("en", [])) if t),
                zh=tuple(c.get("zh", [])), cmd=tuple(c.get("cmd", [])),
                rel=tuple(c.get("rel", [])), weight=float(c.get("weight", 1.0)))
        for c in data.get("concepts", []))
    # a word split at its apostrophe (doesn't -> doesn + t) is a stopword as its first part
    stop_en = frozenset(stem(part) for w in data.get("stop_en", [])
                        for part in dict.fromkeys((w, w.split("'")[0])))
    return Lexicon(concepts, stop_en, frozenset(data.get("stop_zh", [])),
                   explain=tuple(data.get("explain_zh", []) + data.get("explain_en", [])),
                   howto=tuple(data.get("howto", [])),
                   fact_zh=tuple(data.get("fact_zh", [])),
                   fact_en=frozenset(w.lower() for w in data.get("fact_en", [])),
                   complements=frozenset(data.get("complements_zh", [])),
                   opposite_terms=tuple((english_words(a), english_words(b))
                                        for a, b in data.get("opposites", [])),
                   negations=frozenset(data.get("negations", [])),
                   words_en=tuple(w.lower() for c in data.get("concepts", [])
                                  for w in c.get("en", []) if w.isascii() and w.isalpha()))


@lru_cache(maxsize=1)
def _raw() -> bytes:
    return resources.files("qa.data").joinpath("lexicon.json").read_bytes()


@lru_cache(maxsize=1)
def digest() -> str:
    """Changes whenever the lexicon does: its words cut and weigh the notes' text, so an index
    built with another lexicon is rebuilt."""
    return hashlib.sha256(_raw()).hexdigest()[:16]


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The lexicon shipped in the package (read once per process)."""
    return parse_lexicon(json.loads(_raw()))
