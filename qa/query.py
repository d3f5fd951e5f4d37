"""Question -> weighted term groups (structured query translation through the lexicon).

Every content word of a question becomes one *group*: the word's own index terms plus, through
the bilingual lexicon, its synonyms and translations. A group counts as one term when ranking
(its postings are united), so an English word with five Chinese translations weighs what one
Chinese word weighs.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from qa.glossary import number_forms
from qa.index import bare, in_vocab
from qa.lexicon import Lexicon, stem
from qa.notes import family_in_text
from qa.tokenize import DIRECTION_MARKERS, Tokenizer, Unit, direction_pairs, normalize

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
MAX_PHRASE = 4
UNKNOWN_ENGLISH = 0.7  # weight of an English word neither the lexicon nor the notes know
CODE_PART_SHARE = 0.3  # `docker` of `docker-compose.yml`: a part says little of the whole
TYPO_USAGE = 300  # a Chinese word this common in the language (jieba's counts) is no typo
_FUNCTION_CHARS = frozenset("不一的了是在有个对和也就都还又把被给让")  # (in phrases, not typos)
EXPLAIN_WORD = 0.2  # what a word asking what or why (作用, mean) counts of its concept


@dataclass(frozen=True)
class Group:
    """One concept of the question: a set of index terms that stand for it."""

    label: str  # the question's own word
    terms: frozenset[str]
    kind: str  # word | zh | flag | code | num | unk | sub | pair
    # how surprising the word is in the language (1: rare): what it weighs when the notes lack
    # it, and how much an everyday word must be covered (see search._everyday)
    weight: float = 1.0
    partial: frozenset[str] = frozenset()  # words inside the question's word: they count less
    partial_share: float = 0.5  # how much a match on one of those counts
    related: frozenset[str] = frozenset()  # related words (批量 -> 所有): weaker still
    importance: float = 1.0  # a qualifier (所有, last) counts less than what it qualifies
    named: bool = False  # a tool the question names by what it does it with (`with sqlcipher`)


@dataclass(frozen=True)
class Query:
    text: str
    lang: str  # zh | en | mix
    groups: tuple[Group, ...]
    pairs: tuple[Group, ...]
    flags: tuple[str, ...]  # flag names the question mentions (corrected)
    family: str | None  # the command it names, e.g. "docker run"
    corrections: tuple[tuple[str, str], ...]  # (as typed, corrected)
    # (as typed, the word it was read as, as written) for the words a user may be shown
    read_as: tuple[tuple[str, str], ...] = ()
    explain: bool = False  # asks what something is or why, not for a command
    fact: bool = False  # asks whether something is so, or which thing (吗, 什么, can I)
    # words of the actions undoing what the question asks (解压 for 压缩), which it does not say
    opposite: frozenset[str] = frozenset()
    # what the question asks to do without (`without stopping it`, 不让它停): its words
    avoided: frozenset[str] = frozenset()


def detect_lang(text: str) -> str:
    """zh, en or mix, from the share of Chinese characters and Latin words outside code."""
    prose = re.sub(r"(?<![A-Za-z0-9_-])--?[A-Za-z0-9-]+|\$\([^)]{0,400}\)|`[^`]{0,400}`", " ", text)
    cjk = len(_CJK.findall(prose))
    latin = [w for w in _LATIN_WORD.findall(prose) if w.lower() not in ("docker",)]
    if cjk and len(latin) >= 2 or cjk and latin and cjk < 4:
        return "mix"
    return "zh" if cjk else "en"


class QueryAnalyzer:
    """Turns questions into `Query` objects for one index (vocabulary) and one lexicon."""

    def __init__(self, tokenizer: Tokenizer, lexicon: Lexicon, vocab: dict[str, int],
                 flag_names: frozenset[str]) -> None:
        self.tok = tokenizer
        self.lex = lexicon
        self.vocab = vocab
        self.flag_names = flag_names
        self.en_index = lexicon.english_index()
        self.zh_index = lexicon.chinese_index
        self._concept_terms = lru_cache(maxsize=4096)(self._concept_terms_uncached)
        self._units = lru_cache(maxsize=8192)(self.tok.units)

    @functools.cache  # noqa: B019 (one analyzer an index, kept as long as the index)
    def _english_known(self) -> list[str]:
        """The English words a typo may be meant as: the lexicon's and the notes' (only a
        question with an unknown English word needs them)."""
        return sorted({w for term in self.en_index for w in term if len(w) >= 4}
                      | {w for t in self.vocab if (w := bare(t)).isascii() and w.isalpha()
                   and len(w) >= 4})

    def _concept_terms_uncached(self, i: int) -> frozenset[str]:
        c = self.lex.concepts[i]
        out: set[str] = set(c.cmd)
        for w in c.zh:
            # each member is one dictionary word: its own term, not the words inside it
            out.update(u.forms[0] for u in self.tok.units(w) if u.forms)
        for term in c.en:
            if len(term) == 1:
                out.add(term[0])
        return frozenset(out)

    def _related_terms(self, concepts: Iterable[int]) -> frozenset[str]:
        """Words related to the concepts without meaning the same (批量 -> 所有): weak matches."""
        return frozenset(u.forms[0] for c in concepts for w in self.lex.concepts[c].rel
                         for u in self._units(w) if u.forms)

    def analyze(self, question: str) -> Query:
        from qa.flags import correct_flag, is_flag_word, is_real_flag
        from qa.glossary import tools

        text, corrections, units = self._respelt(normalize(question))
        read_as = list(corrections)
        # (a run of characters no word holds that neither the notes nor the lexicon know (存好
        # is 存) is taken apart at its function characters: 时漏 is 时 and 漏)
        units = [v for u in units for v in (
            self.tok.without_function_chars(u) if u.kind == "unk"
            and not in_vocab(self.vocab, u.surface) and not self.lex.chinese_word(u.surface)
            else (u,))]
        # a word in angle brackets (`<none>`, `<container>`) is that word, as the notes write it
        # bare (`grep "none"`) or bracketed alike
        units = [Unit("word", u.surface[1:-1], u.forms[1:]) if u.kind == "code"
                 and _BRACKETED.fullmatch(u.surface) and len(u.forms) == 2 else u for u in units]
        # a name of letters and digits the lexicon knows (h265, ipv6, k8s) is one of its words,
        # unless it names a program (fail2ban)
        units = [Unit("word", u.surface, tuple(dict.fromkeys((stem(u.surface), *u.forms))))
                 if u.kind == "code" and u.surface.isascii() and u.surface.isalnum()
                 and (stem(u.surface),) in self.en_index and u.surface.lower() not in tools()
                 else u for u in units]
        groups: list[Group] = []
        flags: list[str] = []
        asked: set[int] = set()  # the lexicon's concepts the question says
        i = 0
        while i < len(units):
            u = units[i]
            if u.kind in ("word", "stop") and u.surface.isascii():
                n, concepts = self._english_phrase(units, i)
                if not concepts and u.kind == "word" and (typo := self._typo(u)):
                    corrections.append((u.surface, typo[0]))
                    if typo[1]:
                        read_as.append((u.surface, typo[1]))
                    u = units[i] = Unit("word", u.surface, (typo[0],))
                    n, concepts = self._english_phrase(units, i)
                if concepts and n == 1 and (self._names_missing_tool(units, i, known=True)
                                             or self._tool_not_word(u)):
                    # `rotate logs with logrotate`, notes without it: its name; `pip` is the
                    # tool, not the pipe its stem is
                    concepts = []
                if concepts:
                    asked.update(concepts)
                    span = units[i:i + n]
                    label = " ".join(x.surface for x in span)
                    terms = set().union(*(self._concept_terms(c) for c in concepts))
                    own = {f for x in span for f in x.forms}
                    # the words of a phrase (`docker` of `docker daemon`) match it partly
                    partial = frozenset(own - terms) if n > 1 else frozenset()
                    related = self._related_terms(concepts) - terms - own
                    groups.append(Group(label, frozenset(terms | own | related), "word",
                                        self._concept_weight(concepts), partial,
                                        related=related,
                                        importance=self._importance(concepts)))
                    i += n
                    continue
                if u.kind == "word":
                    g = self._english_word(u)
                    if self._names_missing_tool(units, i, known=False):
                        # `encrypt it with sqlcipher`: a tool the notes never mention
                        g = replace(g, named=True)
                    groups.append(g)
                i += 1
                continue
            if u.kind == "stop":
                i += 1
                continue
            word = self.lex.chinese_word(u.surface) if u.kind in ("zh", "unk") else ""
            if u.kind == "flag":
                name = u.surface
                if name not in self.flag_names and name not in self.vocab \
                        and not is_real_flag(name, _family(text)):
                    fixed = correct_flag(name, self.flag_names)
                    if fixed:
                        corrections.append((name, fixed))
                        name = fixed
                flags.append(name)
                groups.append(Group(u.surface, frozenset({name}), "flag"))
            elif u.kind == "zh" or u.kind == "unk" and word:
                terms = {u.surface, *number_forms(u.surface)}  # (七天: 7, 7d)
                concepts = self.zh_index.get(word, [])
                asked.update(concepts)
                for c in concepts:
                    terms |= self._concept_terms(c)
                partial = frozenset(u.forms[1:]) - terms
                related = self._related_terms(concepts) - terms - partial
                groups.append(Group(u.surface, frozenset(terms | partial | related), "zh",
                                    self.tok.background_weight(word or u.surface), partial,
                                    related=related, importance=self._importance(concepts)))
            elif u.kind == "code" and (fixed := self._misspelt_code(u.forms[0])):
                corrections.append((u.surface, fixed))
                read_as.append((u.surface, fixed))
                groups.extend(self._code_groups(fixed))
            else:
                # characters no word holds (写完, 上跑) surprise as much as their rarest one
                groups.append(_whole(u, max(map(self.tok.background_weight, u.surface))
                                     if u.kind == "unk" else 1.0))
            i += 1
        # a word asking for a flag (参数, option) is answered by any flag of the notes
        groups = _merge_same([replace(g, terms=g.terms | self.flag_names)
                              if is_flag_word(g.label) else g for g in groups])
        pairs = [Group(t, frozenset({t}), "pair")
                 for t in direction_pairs([g.terms for g in groups])
                 if in_vocab(self.vocab, t)]
        # from/to/从/到 say which way (the pairs above), not what the question is about
        groups = [g for g in groups if not (g.terms & DIRECTION_MARKERS and g.kind in ("word", "zh")
                                            and (g.kind == "word" or g.label in DIRECTION_MARKERS))]
        explain = self.lex.asks_explain(text)
        if explain:  # `what does X mean`: mean says what is asked, X what it is about
            groups = [replace(g, importance=g.importance * EXPLAIN_WORD) if
                      self.lex.explain_word(g.label) else g for g in groups]
        undoing = {o for c in asked for o in self.lex.opposites.get(c, ()) if o not in asked}
        opposite = frozenset().union(*map(self._concept_terms, undoing)) \
            - frozenset().union(*(g.terms for g in groups))
        avoided = self._avoided(units, groups)
        return Query(text=question, lang=detect_lang(text), groups=tuple(groups),
                     pairs=tuple(pairs), flags=tuple(dict.fromkeys(flags)),
                     family=_family(text), corrections=tuple(corrections),
                     read_as=tuple(read_as), explain=explain,
                     fact=explain or self.lex.asks_fact(text),
                     opposite=opposite, avoided=avoided)

    def _tool_not_word(self, u: Unit) -> bool:
        """Is a word the name of a tool the glossary knows that a word of the lexicon only
        stems to, its e taken off (pip is no pipe)?"""
        from qa.glossary import tools

        word = u.surface.lower()
        return word in tools() and word + "e" in self.lex.written_en \
            and word not in self.lex.written_en

    def _names_missing_tool(self, units: list[Unit], i: int, known: bool) -> bool:
        """Is the word at i named as what a thing is done with (`with sqlcipher`), and never
        mentioned by the notes? `known`: and a tool the glossary knows (`with logrotate`, a
        word the lexicon has as a concept too)."""
        from qa.glossary import tools

        u = units[i]
        return bool(i) and units[i - 1].surface.lower() in _TOOL_BEFORE \
            and (not known or u.surface.lower() in tools()) \
            and not in_vocab(self.vocab, u.forms[0])

    def _avoided(self, units: list[Unit], groups: list[Group]) -> frozenset[str]:
        """The words of what follows `without` or 不让 in a question: the thing not to do
        (less the words the rest of the question says)."""
        out: set[str] = set()
        rest: set[str] = set()
        for i, u in enumerate(units):
            if u.surface.lower() not in self.lex.negations:
                continue
            after = next((x for x in units[i + 1:] if x.kind != "stop"), None)
            for g in groups:
                if after and g.label.split()[0] == after.surface:
                    out |= g.terms - g.related - g.partial
                elif g.label.split()[0] != u.surface:
                    rest |= {f for x in self._units(g.label) for f in x.forms}
        return frozenset(out - rest)

    def _respelt(self, text: str) -> tuple[str, list[tuple[str, str]], list[Unit]]:
        """The question with the words of the notes (or the lexicon) that it typed by their
        sound put right, one character another of the same sound (pinyin input offers both:
        守护近程 for 守护进程, 容齐 for 容器, 下在 for 下载), those corrections, and its units. A
        word is looked for where the segmenter found none (characters alone or no word of its
        dictionary) or found one the language seldom uses."""
        corrections: list[tuple[str, str]] = []
        units = self.tok.units(text)
        i = 0
        while i < len(units):
            if not _HAN.fullmatch(units[i].surface):
                i += 1
                continue
            j = i
            while j < len(units) and _HAN.fullmatch(units[j].surface):
                j += 1
            run = units[i:j]
            i = j
            # (a character alone that the lexicon knows as a word, 加 or 删, is one)
            weak = [u.kind == "unk" or len(u.surface) == 1 and not self.lex.chinese_word(u.surface)
                    for u in run]
            if not any(weak):  # (words all: only one the notes do not know may be a typo)
                for u in run:
                    if 2 <= len(u.surface) <= 4 and (fixed := self._sounds_like(u.surface)):
                        corrections.append((u.surface, fixed))
                        text = text.replace(u.surface, fixed, 1)
                continue
            ends = list(itertools.accumulate(len(u.surface) for u in run))
            chars = before = "".join(u.surface for u in run)
            done = [False] * len(chars)
            for n in (4, 3, 2):
                for at in range(len(chars) - n + 1):
                    inside = [k for k, end in enumerate(ends)
                              if end > at and end - len(run[k].surface) < at + n]
                    cut = [k for k in inside if ends[k] - len(run[k].surface) < at
                           or ends[k] > at + n]  # (words the window takes a part of)
                    word = chars[at:at + n]
                    if any(done[at:at + n]) or any(not weak[k] for k in cut) \
                            or not any(weak[k] for k in inside) \
                            and not (len(inside) == 1 and run[inside[0]].surface == word):
                        continue
                    if fixed := self._sounds_like(word):
                        corrections.append((word, fixed))
                        chars = chars[:at] + fixed + chars[at + n:]
                        done[at:at + n] = [True] * n
            if chars != before:
                text = text.replace(before, chars, 1)
        return text, corrections, (self.tok.units(text) if corrections else units)

    def _sounds_like(self, word: str) -> str | None:
        """The word of the notes (or the lexicon) that `word`, which they do not know, was
        typed for; None when there is no such word, or more than one."""
        # (a word common in the language is no typo; glue is meant as typed: 不上 of 对不上,
        # 在 of 装在 are no word typed wrong)
        if not 2 <= len(word) <= 4 or any(c in _FUNCTION_CHARS for c in word) \
                or in_vocab(self.vocab, word) or self.lex.chinese_word(word) \
                or number_forms(word) or self.tok.usage(word) > TYPO_USAGE:
            return None
        by_sound = self._sounds()
        found = {word[:i] + alt + word[i + 1:]
                 for i, ch in enumerate(word) for sound in _readings(ch)
                 for alt in by_sound.get(sound, ()) if alt != ch}
        found = {w for w in found if in_vocab(self.vocab, w) or w in self.zh_index}
        # (two words of one meaning are one answer: 重气 is 重启 or 重起)
        meanings = {tuple(self.zh_index.get(w, ())) or w for w in found}
        return min(found, key=lambda w: (not in_vocab(self.vocab, w), w)) \
            if len(meanings) == 1 else None

    @functools.cache  # noqa: B019 (one analyzer an index, kept as long as the index)
    def _sounds(self) -> dict[str, list[str]]:
        """How the characters of the notes' words and the lexicon's sound: sound -> them."""
        chars = {ch for t in self.vocab for ch in t if "\u4e00" <= ch <= "\u9fff"}
        chars.update(ch for w in self.zh_index for ch in w)
        out: dict[str, list[str]] = {}
        for ch in sorted(chars):
            for sound in _readings(ch):
                out.setdefault(sound, []).append(ch)
        return out

    @functools.cache  # noqa: B019 (one analyzer an index, kept as long as the index)
    def _code_known(self) -> list[str]:
        """Names with a `-`, `_` or `.` inside that the notes use (docker-machine, pg_dump)."""
        return sorted(t for t in self.vocab if t.isascii() and len(t) >= 5
                      and re.fullmatch(r"[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+", t))

    def _misspelt_code(self, word: str) -> str | None:
        """The name the notes use that `word` misspells (docekr-machine -> docker-machine)."""
        if len(word) < 5 or in_vocab(self.vocab, word) or not re.search(r"[a-z][-_.][a-z]", word):
            return None
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import OSA

        # (one slip, as in `_misspelt`, two in a long name; a name two or more letters longer
        # that it begins is another name: hash-check is no typo of hash-checking); `-`, `_`
        # and `.` are one slip however many (secure-file-priv is secure_file_priv)
        same_start = [k for k in self._code_known() if k[0] == word[0]
                      and not (k.startswith(word) and len(k) > len(word) + 1)]
        best = process.extractOne(word, same_start, scorer=fuzz.ratio, score_cutoff=85)
        slips = 1 if len(word) < 12 else 2  # (a long name may carry two: docekr-machne)
        return best[0] if best and OSA.distance(_SEPARATORS.sub("-", word),
                                                _SEPARATORS.sub("-", best[0])) <= slips else None

    def _code_groups(self, word: str) -> list[Group]:
        return [_whole(u) for u in self.tok.units(word) if u.kind == "code"][:1]

    def _importance(self, concepts: list[int]) -> float:
        return max((self.lex.concepts[c].weight for c in concepts), default=1.0)

    def _concept_weight(self, concepts: list[int]) -> float:
        """A lexicon word the notes never use: as surprising as its most everyday translation."""
        zh = [w for c in concepts for w in self.lex.concepts[c].zh]
        return min((self.tok.background_weight(w) for w in zh), default=1.0)

    def _english_phrase(self, units: list[Unit], i: int) -> tuple[int, list[int]]:
        """The longest lexicon term starting at unit i (`log in`, `in the background`)."""
        for n in range(min(MAX_PHRASE, len(units) - i), 0, -1):
            span = units[i:i + n]
            if not all(x.kind in ("word", "stop") and x.surface.isascii() for x in span):
                continue
            key = tuple(x.forms[0] if x.kind == "word" and x.forms else stem(x.surface)
                        for x in span)
            if key in self.en_index and (n > 1 or span[0].kind == "word") \
                    and not (n > 1 and _plural_before_particle(span)):
                return n, self.en_index[key]
        return 1, []

    def _misspelt(self, w: str) -> str | None:
        """The known English word a word unknown to the notes misspells, if one is close."""
        if len(w) < 4:
            return None
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import OSA

        # a typo keeps its first letter (contianer -> container, not react -> create);
        # one letter wrong, missing, extra, or two swapped is one typo (iostst, nignx)
        # (a longer word it begins is another word: capital is no typo of capitalize)
        same_start = [k for k in self._english_known() if k[0] == w[0]
                      and not (k.startswith(w) and len(k) > len(w) + 1)]
        # two letters swapped keep every letter typed: statr is start more than stat
        swapped = [k for k in same_start if sorted(k) == sorted(w)]
        fixed = next((k for k in swapped if OSA.distance(w, k) <= 1), None)
        if fixed is None:
            best = process.extractOne(w, same_start, scorer=fuzz.ratio, score_cutoff=85)
            fixed = best[0] if best and OSA.distance(w, best[0]) <= 1 else None
        if fixed is None and len(w) >= 6:  # (in a short word only a swap: `react` no typo)
            fixed = next((k for k in same_start if OSA.distance(w, k) <= 1), None)
        return fixed

    def _typo(self, u: Unit) -> tuple[str, str | None] | None:
        """The known word an English word of the question misspells (contianer: container),
        when neither the notes nor the lexicon know the word as typed: as a term, and as
        written when that is known."""
        from qa.glossary import tools

        w = u.forms[0]
        typed = u.surface.lower()
        if len(w) < 4 or in_vocab(self.vocab, w) or typed in tools():
            return None  # (a tool the notes lack is no typo of one they have: kubectl)
        slipped = self._slipped(typed)
        if slipped:
            return slipped
        # (a typo keeps the stemmer from seeing an ending: prnted is prnt + ed)
        ending = _ENDING.search(typed)
        fixed = self._misspelt(w) or (self._misspelt(typed[:ending.start()]) if ending else None)
        return (fixed, self.lex.spelled.get(fixed)) if fixed else None

    def _slipped(self, typed: str) -> tuple[str, str] | None:
        """The known word the word as typed becomes with two neighbouring letters swapped back
        or one extra letter inside it taken out (postgers: postgres, sqllite: sqlite), read as
        a word (stemmed): the stem of a typo may hide the word (postger is no stem of postgres).
        The first letter stays, as in `_misspelt`, and the last (faster is no typo of fast); a
        word the notes use goes first."""
        if len(typed) < 5:
            return None
        known = self._english_known_set()
        for edits in ([typed[:i] + typed[i + 1] + typed[i] + typed[i + 2:]
                       for i in range(1, len(typed) - 1) if typed[i] != typed[i + 1]],
                      [typed[:i] + typed[i + 1:] for i in range(1, len(typed) - 1)]):
            found: dict[str, str] = {}  # stem -> the edit, in the order of the edits
            for e in edits:
                if (s := stem(e)) in known:
                    found.setdefault(s, e)
            if found:
                fixed = next((s for s in found if in_vocab(self.vocab, s)), next(iter(found)))
                # as written: the edit (contianers: containers), unless it is a stem, not a
                # word, when the lexicon's word is (delte: delete, not delet)
                edit = found[fixed]
                return fixed, edit if stem(edit) != edit else self.lex.spelled.get(fixed, edit)
        return None

    @functools.cache  # noqa: B019 (as _english_known)
    def _english_known_set(self) -> frozenset[str]:
        return frozenset(self._english_known())

    def _english_word(self, u: Unit) -> Group:
        """An English word the lexicon lacks (or a known one it misspells)."""
        w = u.forms[0]
        if not in_vocab(self.vocab, w):
            from qa.glossary import programs

            # no counts of English say how everyday a word is: most the lexicon lacks are
            # everyday ones (pegged, instant); a program's name surprises fully
            return Group(u.surface, frozenset({w}), "word",
                         1.0 if w in programs() else UNKNOWN_ENGLISH)
        return Group(u.surface, frozenset({w}), "word")


_TOOL_BEFORE = frozenset({"with", "using", "via"})  # what names the tool a thing is done with
_PARTICLES = frozenset({"in", "on", "up", "out", "off", "down", "over", "back"})


def _plural_before_particle(span: list[Unit]) -> bool:
    """`logs in`: a noun in the plural before a preposition (`container logs in real time`),
    not the verb of a phrase (`log in`, `clean up`), which questions ask in its bare form."""
    first, last = span[0].surface.lower(), span[-1].surface.lower()
    return last in _PARTICLES and len(span) == 2 and first.endswith("s") \
        and not first.endswith("ss") and stem(first) != first


@functools.lru_cache(maxsize=1 << 14)
def _readings(ch: str) -> tuple[str, ...]:
    """How a Chinese character is read, without tones (as typed with pinyin input)."""
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(ch, style=Style.NORMAL))


_SEPARATORS = re.compile(r"[-_.]")
_ENDING = re.compile(r"(?:ed|ing|e?s)$")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_BRACKETED = re.compile(r"<[A-Za-z]+>")


def _whole(u: Unit, weight: float = 1.0) -> Group:
    """`tar.gz`, `docker-machine`: the whole token counts fully, its parts less."""
    return Group(u.surface, frozenset(u.forms), u.kind, weight,
                 partial=frozenset(u.forms[1:]) - {u.forms[0]}, partial_share=CODE_PART_SHARE)


def _merge_same(groups: list[Group]) -> list[Group]:
    seen: set[frozenset[str]] = set()
    out = []
    for g in groups:
        if g.terms not in seen:
            seen.add(g.terms)
            out.append(g)
    return out


def _family(text: str) -> str | None:
    """The command a question names, when it names one with a subcommand (`docker run`)."""
    fam = family_in_text(text)
    return fam if fam and " " in fam else None
