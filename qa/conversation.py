"""Follow-up questions in a chat: explicit context and explicit rules.

A conversation remembers one thing, the last answered question (`Context`): the question as it
was finally asked, its content words, its result and which answer is on screen. Each new line is
first read for its *shape* (`read_followup`), without looking at the context:

- `第二个` / `the second one`              -> an ordinal: that answer of the last result
- `下一个` / `more` / `next` / `还有呢`      -> the next answer of the last result
- `那镜像呢？` / `and images?` / `what about volumes` -> a new topic for the last question
- anything else                            -> a fresh question

A new topic is then resolved against the context (`Conversation.say`): each content word of the
last question is swapped for the new topic in turn, each candidate is asked, and a candidate
counts only when its best answer speaks of the new topic and of a word kept from the last
question. The candidate whose best answer covers the most of its question wins (a flag replaces a
flag first; on a tie, the later word, as the object of a question usually comes last; then the
better score). The follow-up asked on its own, as a fresh question, is the null model: the swap
stands only when its answer covers the swapped question better than the follow-up's own answer
does (or is that same answer and covers all of it); otherwise, and whenever no candidate counts,
the follow-up is answered as a fresh question.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from qa.model import Answer, Passage, Result


class Asker(Protocol):
    """What a conversation needs from the library (an `Assistant` is one)."""

    def ask(self, question: str, top: int = 5) -> Result: ...

    def topics(self, question: str) -> tuple[str, ...]: ...

    def matched(self, question: str, passage: Passage) -> tuple[str, ...]: ...


# --- the shape of a line -------------------------------------------------------------------
@dataclass(frozen=True)
class FollowUp:
    """What a line says by its shape alone."""

    kind: str  # next | nth | topic
    n: int = 0  # nth: the answer number, from 1
    topic: str = ""  # topic: the new topic, markers removed (may be empty: `还有呢`)


_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10}
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_END = r"[\s?？!！。.,，~～]*"
_NEXT = re.compile(
    r"(?:下一个|下一条|下一|换一个|换一条|再来一个|再来|还有吗|还有呢|还有|其他的?呢?|别的呢?|更多"
    r"|more|next|next one|another|another one|something else|anything else|other ones?"
    r"|show me more)" + _END, re.I)
_NTH_ZH = re.compile(r"(?:那|那么)?第\s*([0-9]+|[一二两三四五六七八九十]+)\s*"
                     r"(?:个|条|种|项)?(?:呢|吧)?" + _END)
_NTH_EN = re.compile(r"(?:and\s+|what about\s+|how about\s+)?(?:the\s+)?"
                     r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
                     r"|[0-9]+(?:st|nd|rd|th)|#\s*[0-9]+|number\s+[0-9]+)(?:\s+(?:one|answer))?"
                     + _END, re.I)
_TOPIC_START = re.compile(
    r"^(?:那么|那如果是|那要是|那(?![个些里边样种时])|还有|换成|如果是|要是"
    r"|(?:(?:and\s+)?(?:what|how)\s+about|and\s+for|and|same\s+for|now\s+for|then)"
    r"(?![A-Za-z]))\s*", re.I)
_TOPIC_END = re.compile(r"\s*(?:的话)?(?:呢|吗|怎么办|怎么样)?" + _END + r"$")
MAX_TOPIC_CHARS = 24  # longer than this, a line is a question of its own


def _zh_number(s: str) -> int:
    """`2`, `二`, `十`, `十二`, `二十三` -> the number."""
    if s.isdigit():
        return int(s)
    tens, ten, units = s.partition("十")
    if not ten:
        return _ZH_DIGITS.get(s, 0)
    return (_ZH_DIGITS.get(tens, 0) if tens else 1) * 10 + _ZH_DIGITS.get(units, 0)


def read_followup(line: str) -> FollowUp | None:
    """A follow-up, recognised by its shape; None for a line that reads as a question."""
    text = unicodedata.normalize("NFKC", line).strip()
    if not text:
        return None
    if _NEXT.fullmatch(text):
        return FollowUp("next")
    m = _NTH_ZH.fullmatch(text)
    if m:
        return FollowUp("nth", n=max(1, _zh_number(m.group(1))))
    m = _NTH_EN.fullmatch(text)
    if m:
        word = m.group(1).lower()
        digits = re.sub(r"\D", "", word)
        return FollowUp("nth", n=max(1, int(digits) if digits else _EN_ORDINALS[word]))
    start = _TOPIC_START.match(text)
    end = _TOPIC_END.search(text)
    asks_back = bool(end and ("呢" in end.group(0)))
    if not start and not asks_back:
        return None
    topic = text[start.end() if start else 0:end.start() if end else len(text)].strip()
    if len(topic) > MAX_TOPIC_CHARS:
        return None
    return FollowUp("topic", topic=topic)


# --- the context and the turns ----------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    """What the conversation remembers of the last answered question."""

    question: str  # as finally asked (a follow-up resolved into a whole question)
    topics: tuple[str, ...]  # its content words, in order
    result: Result
    cursor: int = 0  # the answer on screen


@dataclass(frozen=True)
class Turn:
    """One reply: which question was answered, and which of its answers to show."""

    question: str  # the question asked of the notes
    result: Result | None  # None: nothing to continue (a `more` before any question)
    index: int = 0  # the answer to show; `index >= len(result.answers)`: no more answers
    via: str = "fresh"  # fresh | swap (a new topic in the last question) | next (same result)
    swapped: tuple[str, str] | None = None  # (word of the last question, new topic)

    @property
    def answer(self) -> Answer | None:
        if self.result is None or not self.result.found:
            return None
        return self.result.answers[self.index] if self.index < len(self.result.answers) else None


@dataclass(frozen=True)
class _Candidate:
    """The last question with one word replaced by the new topic, and how it is answered."""

    question: str
    result: Result
    coverage: float  # share of its words the best answer speaks of
    same_kind: bool  # a flag replaced by a flag, a word by a word
    position: int  # of the replaced word: the object of a question tends to come last
    replaced: str

    @property
    def key(self) -> tuple[bool, float, int, float]:
        return (self.same_kind, self.coverage, self.position, self.result.answers[0].score)


class Conversation:
    """A chat over the notes: each `say` answers a line in the context of the last question."""

    def __init__(self, asker: Asker, top: int = 5) -> None:
        self.asker = asker
        self.top = top
        self.context: Context | None = None

    def say(self, line: str) -> Turn:
        """Answer one line: a question, or a follow-up of the last one."""
        follow = read_followup(line)
        ctx = self.context
        if follow is None:
            return self._fresh(line)
        if follow.kind == "next" or follow.kind == "topic" and not follow.topic:
            return self.more()
        if follow.kind == "nth":
            return self._show(follow.n - 1)
        if ctx is None:
            return self._fresh(line)
        return self._new_topic(ctx, line, follow.topic)

    def more(self) -> Turn:
        """The next answer of the last question."""
        ctx = self.context
        return self._show(ctx.cursor + 1 if ctx else 0)

    def forget(self) -> None:
        self.context = None

    # --- rules ----------------------------------------------------------------------------
    def _show(self, index: int) -> Turn:
        ctx = self.context
        if ctx is None:
            return Turn("", None, via="next")
        n = len(ctx.result.answers)
        if index < n:
            self.context = Context(ctx.question, ctx.topics, ctx.result, index)
        return Turn(ctx.question, ctx.result, index, via="next")

    def _remember(self, question: str, result: Result, topics: tuple[str, ...] | None = None
                  ) -> None:
        if topics is None:
            topics = self.asker.topics(question)
        self.context = Context(question, topics, result)

    def _fresh(self, question: str) -> Turn:
        result = self.asker.ask(question, top=self.top)
        self._remember(question, result)
        return Turn(question, result)

    def _new_topic(self, ctx: Context, line: str, topic: str) -> Turn:
        fresh = self.asker.ask(line, top=self.top)
        new_words = self.asker.topics(topic)
        best: _Candidate | None = None
        if new_words and len(new_words) < len(ctx.topics):
            swaps = self._swaps(ctx, topic, _is_flag(new_words[0]))
            best = max(swaps, key=lambda c: c.key, default=None)
        if best is not None and fresh.found and not _context_helps(
                best, fresh, self._coverage(best.question, fresh)):
            best = None
        if best is None:
            self._remember(line, fresh)
            return Turn(line, fresh)
        self._remember(best.question, best.result)
        return Turn(best.question, best.result, via="swap", swapped=(best.replaced, topic))

    def _swaps(self, ctx: Context, topic: str, flag: bool) -> list[_Candidate]:
        """The last question with one of its words replaced by the new topic, for each word
        whose replacement is answered by a passage that speaks of the new topic and of
        something kept from the last question."""
        out = []
        for position, (start, end) in enumerate(_spans(ctx.question, ctx.topics)):
            if start < 0:
                continue
            question = ctx.question[:start] + topic + ctx.question[end:]
            result = self.asker.ask(question, top=self.top)
            if not result.found:
                continue
            words = self.asker.topics(question)
            kept = [w for i, w in enumerate(ctx.topics) if i != position]
            new = [w for w in words if w not in kept]
            hit = set(self.asker.matched(question, result.answers[0].passage))
            if not hit.intersection(new) or not hit.intersection(kept):
                continue  # not about the new topic, or nothing of the context survives
            replaced = ctx.topics[position]
            out.append(_Candidate(question, result, len(hit.intersection(words)) / len(words),
                                  _is_flag(replaced) == flag, position, replaced))
        return out

    def _coverage(self, question: str, result: Result) -> float:
        """The share of a question's words that the best answer of a result speaks of."""
        words = self.asker.topics(question)
        if not result.found or not words:
            return 0.0
        hit = set(self.asker.matched(question, result.answers[0].passage))
        return len(hit.intersection(words)) / len(words)


def _context_helps(best: _Candidate, fresh: Result, fresh_coverage: float) -> bool:
    """Whether the swapped question beats the follow-up asked alone: its answer covers more of
    the swapped question; or it is the same answer, and covers all of it (then the swapped
    question is kept, as the richer context for the next follow-up)."""
    if best.coverage != fresh_coverage:
        return best.coverage > fresh_coverage
    same = fresh.answers[0].passage == best.result.answers[0].passage
    return same and best.coverage == 1.0


def _is_flag(word: str) -> bool:
    return word.startswith("-")


def _spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where each word stands in the text, in order; (-1, -1) for a word not found as typed."""
    out = []
    at = 0
    folded = unicodedata.normalize("NFKC", text)
    same = len(folded) == len(text)  # NFKC kept the offsets: search the folded text
    haystack = folded.lower() if same else text.lower()
    for w in words:
        i = haystack.find(w.lower(), at)
        if i < 0:
            out.append((-1, -1))
            continue
        out.append((i, i + len(w)))
        at = i + len(w)
    return out
