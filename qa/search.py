"""Ranking, re-ranking and abstention over an index, for an analysed question."""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from qa.index import BACKGROUND, FIELDS, GLOSSARY, OWN, has_cjk, in_vocab, own_words
from qa.model import Passage
from qa.notes import CODE_SPAN, ERROR_LINE
from qa.query import Group, Query

if TYPE_CHECKING:
    import numpy as np

    from qa.index import Index

MIN_COVERAGE = 0.4  # share of the question's weight a passage must match to be an answer
UNKNOWN_MAX = 0.45  # share of it one concept the notes never use may hold in an answered one
EVERYDAY = 0.75  # below this weight, a word the notes lack is an everyday one (see Group.weight)
KIND_PRIOR = {"command": 1.0, "flag": 0.9, "code": 0.85, "prose": 0.8}
EXPLAIN_PRIOR = {"command": 0.4, "flag": 0.9, "code": 0.5, "prose": 1.0}  # what is / why
FLAG_BOOST = 2.5  # a passage describing the very flag the question names
UNDESCRIBED = 0.7  # a passage that does not describe the flag the question names
OTHER_FAMILY = 0.6  # the flag's namesake in another command (`docker run -a` for commit's)
OPPOSITE = 0.8  # a passage saying the action that undoes the asked one (解压 for 压缩), or
# doing what the question asks to do without (`without stopping it`)
NAMED = 0.3  # a lower passage that speaks of every tool the question names, as the best one
NAMED_COVERAGE = 0.6  # does not, answers instead down to this share of the best one's rank if
# it matches this much of the question (naming a tool alone makes no answer)
COMMAND_FIRST = 0.5  # a command near the best passage, a sentence, goes first from this share
COMMAND_FIRST_HITS = 5  # of its rank, among this many hits, within this many lines of it
COMMAND_LINES = 12
DESTROYS = 0.5  # a command that deletes, for a question asking to look at something
LISTS = 0.5  # a command that lists, for a question asking how to do something to a thing
NAME_BOOST = 0.3  # a flag entry whose name is the question's words (`--env-file`: env, file)
CHAR_WEIGHT = 0.5  # weight of the character-overlap tie-breaker
RELATED_SHARE = 0.25  # a related word (所有 for 批量) rather than a synonym
BACKGROUND_SHARE = 0.8  # a match in a passage's surroundings rather than in the passage
GLOSSARY_SHARE = 1.0
SYNONYMS_TOO = 0.25  # what a passage's further words of a concept add to its best one
EVERYDAY_FLOOR = 0.5  # what an everyday Chinese word counts at least of its share to cover


@dataclass(frozen=True)
class Hit:
    doc: int
    score: float  # cosine-like similarity in [0, 1]
    coverage: float  # share of the question's weight this passage matches
    rank: float  # what the order is by


_GROUPS: weakref.WeakKeyDictionary[Index, dict[Group, Any]] = weakref.WeakKeyDictionary()
_GROUPS_KEPT = 4096  # per index: questions share their concepts (容器, delete, all)


def _group_postings(index: Index, g: Group) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Docs matching any term of the group, the best tf/|doc| a doc, how fully (1, or the
    group's partial share for a word inside the question's word) and the group's idf (its
    terms united). Kept per index: the arrays are only read."""
    kept = _GROUPS.setdefault(index, {})
    found = kept.get(g)
    if found is None:
        if len(kept) >= _GROUPS_KEPT:
            kept.clear()
        found = kept[g] = _group_postings_uncached(index, g)
    return found


def _group_postings_uncached(index: Index, g: Group) -> tuple[np.ndarray, np.ndarray,
                                                               np.ndarray, float]:
    import numpy as np

    docs_parts, vals_parts, share_parts, own_parts = [], [], [], []
    for t in g.terms:
        for term, field_share in ((t, 1.0), (BACKGROUND + t, BACKGROUND_SHARE),
                                  (GLOSSARY + t, GLOSSARY_SHARE)):
            post = index.postings(term)
            if post is None:
                continue
            d, w = post
            docs_parts.append(d)
            if t not in g.related and t not in g.partial:
                own_parts.append(d)
            share = field_share * (RELATED_SHARE if t in g.related else
                                   g.partial_share if t in g.partial else 1.0)
            vals_parts.append(w * (share / index.idf[index.vocab[term]]))  # tf / |doc|
            share_parts.append(np.full(len(d), share, np.float32))
    if not docs_parts:
        empty = np.empty(0, np.float32)
        return np.empty(0, np.int32), empty, empty, 0.0
    docs = np.concatenate(docs_parts)
    vals = np.concatenate(vals_parts)
    shares = np.concatenate(share_parts)
    if len(docs_parts) > 1:
        # the group's best term a doc (the first one on ties), in arrays over all passages:
        # on a large index, cheaper than sorting the postings
        seen = np.zeros(index.n, bool)
        best = np.zeros(index.n, vals.dtype)
        best_share = np.zeros(index.n, shares.dtype)
        total = np.zeros(index.n, vals.dtype)
        for d, v, s in zip(docs_parts, vals_parts, share_parts, strict=True):
            total[d] += v
            take = ~seen[d] | (v > best[d])
            d = d[take]
            best[d], best_share[d], seen[d] = v[take], s[take], True
        docs = np.flatnonzero(seen).astype(docs.dtype)
        # more of the concept's words in a passage say it more surely, a little
        vals = best[docs] + SYNONYMS_TOO * (total[docs] - best[docs])
        shares = best_share[docs]
    # how rare the concept is: its own terms count; words inside it and related words do not
    if len(own_parts) > 1:
        own = np.zeros(index.n, bool)
        for d in own_parts:
            own[d] = True
        df = int(own.sum())
    else:
        df = len(own_parts[0]) if own_parts else len(docs)
    idf = math.log((1 + index.n) / (1 + df)) + 1
    return docs, vals, shares, idf


def rank(index: Index, q: Query, limit: int = 50) -> list[Hit]:
    """The passages best matching the question, best first (no abstention here)."""
    import numpy as np

    if not q.groups:
        return []
    n = index.n
    score = np.zeros(n, np.float32)
    covered = np.zeros(n, np.float32)
    max_idf = _max_idf(index)
    total_w = 0.0
    norm = 0.0
    for g in q.groups:
        docs, vals, shares, idf = _group_postings(index, g)
        w = _weight(index, g, idf, max_idf)
        wc = w * _everyday(g)
        total_w += wc
        norm += w * w
        if len(docs):
            score[docs] += w * w * vals
            covered[docs] += wc * shares
    for g in q.pairs:
        docs, vals, _, idf = _group_postings(index, g)
        if len(docs):
            score[docs] += idf * idf * vals
    cand = np.flatnonzero(covered)
    if not len(cand):
        return []
    cos = score[cand] / norm
    cov = covered[cand] / total_w
    rank_ = _combine(cos, cov)
    top = cand[np.argsort(-rank_)[: limit * 4]]
    hits = []
    prior = EXPLAIN_PRIOR if q.explain else KIND_PRIOR
    # (what undoes the asked action, and what the question asks to do without)
    undoing = _saying(index, q.opposite, top) | _doing(index, q.avoided, top)
    looks = _only_looks(q)
    acts = _only_acts(q)
    terms = frozenset().union(*(g.terms for g in q.groups))  # (all the question's words)
    for d in top:
        p = index.passage(int(d))
        s = float(score[d] / norm)
        c = float(covered[d] / total_w)
        r = _combine(s, c) * prior.get(p.kind, 0.8) * _flag_factor(p, q, terms) \
            * (1.0 + CHAR_WEIGHT * _char_overlap(q.text, p)) \
            * (OPPOSITE if int(d) in undoing else 1.0) \
            * (DESTROYS if (looks or acts) and _destroys(p) else 1.0) \
            * (LISTS if acts and _lists(p) else 1.0)
        hits.append(Hit(int(d), s, c, r))
    hits.sort(key=lambda h: -h.rank)
    return hits[:limit]


@lru_cache(maxsize=8)
def _concept_words(keys: tuple[str, ...], zh: bool, cmd: bool) -> frozenset[str]:
    """The words of the lexicon's concepts named by these English words: their one-word
    English terms (stemmed), and their Chinese words or their commands."""
    from qa.lexicon import load_lexicon, stem

    lex = load_lexicon()
    index = lex.english_index()
    concepts = [lex.concepts[c] for key in keys for c in index.get((stem(key),), [])]
    return frozenset(t[0] for c in concepts for t in c.en if len(t) == 1) \
        | frozenset(w for c in concepts for w in (c.zh if zh else ()) + (c.cmd if cmd else ()))


def _destroying() -> frozenset[str]:
    """The words of deleting (remove, purge, rm, prune), as the lexicon has them."""
    return _concept_words(("delete",), zh=False, cmd=True)


def _viewing() -> frozenset[str]:
    """The words of looking at something (list, show, 查看), as the lexicon has them."""
    return _concept_words(("list",), zh=True, cmd=False)


def _acting() -> frozenset[str]:
    """The words of doing something to a thing (start, stop, 拷贝…), as the lexicon has them."""
    return _concept_words(_DOINGS, zh=True, cmd=False)


# actions a question may ask to do to a thing, by the English word of their concepts
_DOINGS = ("start", "stop", "restart", "create", "kill", "install", "copy", "move", "rename",
           "push", "pull", "build")


def _only_acts(q: Query) -> bool:
    """Does the question ask how to do something to a thing (停止所有容器), not whether or
    which, and not to look at anything?"""
    from qa.lexicon import stem

    # (the word the question says, not its concept's: 删 shares 干掉 with kill)
    return not q.fact and any(g.label in _acting() or stem(g.label) in _acting()
                              for g in q.groups) \
        and not any(g.terms & (_viewing() | _destroying()) for g in q.groups)


def _only_looks(q: Query) -> bool:
    """Does the question ask to look at something (list, 查看), and not to delete anything?"""
    return any(g.terms & _viewing() for g in q.groups) \
        and not any(g.terms & _destroying() for g in q.groups)


@lru_cache(maxsize=4096)
def _does_first(command: str, looking: bool) -> bool:
    """Is looking (list, show: `docker ps -a`), or else deleting (`remove images`; not `list
    create or delete branches`), what a command of the line does first, as the glossary says
    of its program and subcommands?"""
    from qa.glossary import actions
    from qa.lexicon import stem

    words = _viewing() if looking else _destroying()
    return any(stem(said.split(" ", 1)[0].lower()) in words for said in actions(command))


def _destroys_command(command: str) -> bool:
    return _does_first(command, looking=False)


def _lists(p: Passage) -> bool:
    """Does the passage's command only look at things (`docker ps -a`)?"""
    return p.kind == "command" and bool(p.command) and _does_first(p.command or "", True)


def _destroys(p: Passage) -> bool:
    """Does the passage's command delete what it acts on (`docker rmi $(docker image ls -q)`:
    what it lists is what it removes)?"""
    return p.kind == "command" and bool(p.command) and _destroys_command(p.command or "")


def _saying(index: Index, terms: frozenset[str], among: Any) -> set[int]:
    """Those of the passages `among` whose own words, or what their command does, say one of
    the terms."""
    import numpy as np

    parts = [_docs(index, f + t) for t in terms for f in (OWN, GLOSSARY)]
    parts = [d for d in parts if len(d)]
    return set(np.intersect1d(among, np.concatenate(parts)).tolist()) if parts else set()


# what says a thing is not done: 不解压, 没有保存, no output, without a cluster
_NOT_BEFORE = re.compile(r"(?:[不没免无别非][会要用需必能有]?"
                         r"|\b(?:no|not|without|never|skip|don't)\s+)$", re.I)


def _doing(index: Index, terms: frozenset[str], among: Any) -> set[int]:
    """Those of the passages `among` that do a thing the question wants done without (that
    say it, not as a thing they do not do: `tar -t` 不解压 does not extract)."""
    out = set()
    for d in _saying(index, terms, among):
        p = index.passage(d)
        text = " ".join((p.description, p.command or "", _does(p.kind, p.command))).lower()
        said = [m.start() for t in terms for m in re.finditer(re.escape(t), text)]
        if not said or any(not _NOT_BEFORE.search(text[max(0, at - 10):at]) for at in said):
            out.add(d)
    return out


@lru_cache(maxsize=65536)
def _chars(text: str) -> frozenset[str]:
    cjk = "".join(ch if "\u3400" <= ch <= "\u9fff" else " " for ch in text)
    out: set[str] = set()
    for run in cjk.split():
        out.update(run)
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return frozenset(out)


def _char_overlap(question: str, p: Passage) -> float:
    """Share of the question's Chinese characters and character pairs found in the passage's
    own words, or for a bare command in what it does: a tie-breaker that sees 解开/解压 or
    多大/大小 as related, as words cannot."""
    q = _chars(question)
    if not q:
        return 0.0
    return len(q & _chars(p.description or _does(p.kind, p.command) or p.text)) / len(q)


@lru_cache(maxsize=65536)
def _does(kind: str, command: str | None) -> str:
    from qa.glossary import describe

    return describe(command) if kind == "command" and command else ""


def known(index: Index, term: str) -> bool:
    """Do the notes use this term (in a passage or around one)?"""
    return in_vocab(index.vocab, term)


def _combine(cos: Any, cov: Any) -> Any:
    """Order by similarity weighted by the square of how much of the question is covered:
    a passage answering every part of the question beats a closer match on one part."""
    return cos * cov * cov


def _flag_factor(p: Passage, q: Query, terms: frozenset[str]) -> float:
    """Favour passages that describe a flag the question names, as used in the command it
    names (`docker commit -a` is the author, `docker run -a` attach); when it names none,
    favour flag entries whose name says what the question asks (`--env`, `--workdir`)."""
    from qa.flags import name_match, question_means

    if not q.flags:
        if p.kind != "flag":
            return 1.0
        return 1.0 + NAME_BOOST * max((name_match(f, terms) for f in p.flags), default=0.0)
    named = [(f, n) for f in p.flags for n in f.names if n in q.flags]
    if not named:
        return UNDESCRIBED
    if any(question_means(f, n, q.family) for f, n in named):
        return FLAG_BOOST if p.kind in ("flag", "prose") else 1.2
    return OTHER_FAMILY


def answerable(index: Index, q: Query, hits: list[Hit]) -> bool:
    """Abstain unless the best passage matches most of what the question asks, and speaks of
    every tool the question names (postgres, nginx): a question about a tool the answer never
    mentions is not one the notes answer."""
    return bool(hits) and hits[0].coverage >= MIN_COVERAGE \
        and _unknown_share(index, q) < UNKNOWN_MAX and not _missed_name(index, q, hits[0]) \
        and not _unused_command(index, q)


def _unused_command(index: Index, q: Query) -> bool:
    """Does the question name a command (`docker stats`) that no passage of the notes uses
    nor speaks of, by any of its names (`docker container ls` is `docker ps`): the notes do
    not know it, whatever else of the question they match?"""
    if not q.family:
        return False
    kept = _FAMILIES.setdefault(index, {})
    unused = kept.get(q.family)
    if unused is None:
        if len(kept) >= _GROUPS_KEPT:
            kept.clear()
        from qa.flags import command_names
        from qa.glossary import knows_command

        unused = kept[q.family] = knows_command(q.family) and not any(
            _said_together(index, name) for name in command_names(q.family))
    return unused


_FAMILIES: weakref.WeakKeyDictionary[Index, dict[str, bool]] = weakref.WeakKeyDictionary()


def _said_together(index: Index, name: str) -> bool:
    """Do the words of a command's name stand together in one passage of the notes?"""
    import numpy as np

    from qa.lexicon import load_lexicon, stem

    together = None
    for word in name.split():
        if len(word) < 2 or stem(word) in load_lexicon().stop_en:
            continue  # (a word no passage is indexed under: `ip a`, `go test`)
        docs = _docs(index, OWN + stem(word))
        if stem(word) != word.lower():
            docs = np.union1d(docs, _docs(index, OWN + word.lower()))
        together = docs if together is None else np.intersect1d(together, docs,
                                                                 assume_unique=True)
    return together is None or bool(len(together))


def named_first(index: Index, q: Query, hits: list[Hit]) -> list[Hit]:
    """When the best passage does not speak of a tool the question names (`windows 下测端口`:
    `nc -zv`), one close below it that does (Test-NetConnection, under `## Windows`) and
    matches enough of the question goes first."""
    if not hits or not _missed_name(index, q, hits[0]):
        return hits
    for i, h in enumerate(hits[1:], 1):
        if h.rank < NAMED * hits[0].rank:
            break
        if h.coverage >= NAMED_COVERAGE and not _missed_name(index, q, h, nearby=False):
            return [h, *hits[:i], *hits[i + 1:]]
    return hits


def command_first(index: Index, q: Query, hits: list[Hit]) -> list[Hit]:
    """When a question asks how to do something and the best passage is a sentence of the notes
    with no command in it, a command close to it (the same part of the same note) that
    matches enough of the question goes first: the sentence speaks of the task, the command
    does it."""
    if q.fact or not hits:
        return hits
    p = index.passage(hits[0].doc)
    if p.kind != "prose":
        return hits
    for i, h in enumerate(hits[1:COMMAND_FIRST_HITS], 1):
        if h.rank < COMMAND_FIRST * hits[0].rank:
            break
        c = index.passage(h.doc)
        if c.kind == "command" and _same_part(c, p) \
                and abs(c.source.line - p.source.line) <= COMMAND_LINES \
                and h.coverage >= MIN_COVERAGE and not _missed_name(index, q, h):
            return [h, *hits[:i], *hits[i + 1:]]
    return hits


def _max_idf(index: Index) -> float:
    """The idf of a word in one passage only: what a word the notes lack weighs at most."""
    return math.log(1 + index.n) + 1


def _weight(index: Index, g: Group, idf: float, max_idf: float) -> float:
    """What a concept of the question weighs: its idf; a word the notes lack weighs like the
    rarest word (as surprising as it is in the language), even when words inside it (docker
    in docker-compose.yml) are found: those match it only partly."""
    return g.importance * (idf if any(known(index, t) for t in g.terms - g.partial - g.related)
                           else max_idf * g.weight)


def _everyday(g: Group) -> float:
    """How much of its weight a Chinese word must be covered for: an everyday one (之前, 起来,
    回来: rare in the notes, common in the language) less, as its counts in the language say;
    qualifiers (所有, 最后) keep theirs, which is what their question is about."""
    if g.kind not in ("zh", "unk") or g.importance < 1:
        return 1.0
    return EVERYDAY_FLOOR + (1 - EVERYDAY_FLOOR) * g.weight


def _unknown_share(index: Index, q: Query) -> float:
    """The largest share of the question's weight that one concept the notes never use, in no
    word of it, holds (swarm, 加速器): what the question is mostly about is not in the notes."""
    max_idf = _max_idf(index)
    weights = [(_weight(index, g, _group_postings(index, g)[3], max_idf),
                # (an everyday word, as `what is` is, is no subject of a question)
                g.weight < EVERYDAY or any(known(index, t) for t in g.terms)) for g in q.groups]
    total = sum(w for w, _ in weights)
    return max((w / total for w, used in weights if not used), default=0.0) if total else 0.0


def _missed_name(index: Index, q: Query, best: Hit, nearby: bool = True) -> bool:
    """Does the question name a tool the notes never mention, or one the answer does not
    (nor, when `nearby`, the lines around it)?"""
    names = _names(q)
    if not names:
        return False
    p = index.passage(best.doc)
    # (a name inside a message the command carries, `-m "centos with git"`, is not its tool)
    said = " ".join((own_words(p.text), own_words(p.command or ""), p.context,
                     p.section)).lower()
    said_bare = _alnum(said)
    for label, terms, in_answer in names:
        # a word of the passage's own or a part of one (mysql of mysqldump); the question's
        # word as written, spaces and stops aside (python2.7 of python:2.7, union FS)
        if any(t in said or any(best.doc in _docs(index, f + t) for f in (OWN, GLOSSARY))
               for t in terms) or len(_alnum(label)) >= 3 and _alnum(label) in said_bare:
            continue
        if not nearby or not any(known(index, t) for t in terms):
            return True
        # the lines around the answer speak of it (cargo.md: "Rust's build tool", 11 lines up)
        if in_answer and not any(_nearby(index, f + t, best.doc) for t in terms for f in FIELDS):
            return True
    return False


NEARBY_LINES = 30
FIX_LINES = 40  # how far below a pasted error its fix may stand


# what a quoted message says when it is an error (`Temporary failure in name resolution`,
# `E45: 'readonly' option is set`, `413 Request Entity Too Large`)
_ERROR_WORD = re.compile(r"\b(?:error|exception|fail(?:ed|ure)?|denied|refused|not found|"
                         r"timed out|too large|too many|unauthori[sz]ed|forbidden|cannot|"
                         r"can't|unable|invalid|insecure|unprotected|not available)\b|"
                         r"^E\d{2,4}: |^[45]\d\d [A-Z]", re.I)


def error_output(p: Passage) -> bool:
    """Is this passage what a program printed when it failed, or a sentence quoting it (打包时报
    `FATAL ERROR: …`): the notes show an error before saying how it was fixed?"""
    if p.kind == "prose":
        # (one that goes on to quote what to type, `client_max_body_size`, says the fix too)
        quoted = [_error_message(m.group(1)) for m in CODE_SPAN.finditer(p.text)]
        return True in quoted and all(quoted[quoted.index(True):])
    lines = [line for line in p.text.splitlines() if line.strip() and not has_cjk(line)]
    return p.kind in ("code", "command") and bool(lines) and bool(ERROR_LINE.match(lines[0]))


def _error_message(quoted: str) -> bool:
    return bool(ERROR_LINE.match(quoted) or " " in quoted.strip() and _ERROR_WORD.search(quoted))


def fix_after(index: Index, doc: int) -> int | None:
    """What the notes say after an error they show, in the same part of the same note: the
    first command, else the first paragraph (`临时加大元空间：`-XX:MaxMetaspaceSize=512m``);
    after a sentence quoting an error, from its own paragraph on. It is what a question
    pasting that error asks for."""
    p = index.passage(doc)
    first = p.source.line if p.kind == "prose" else p.source.end_line + 1
    found = []
    # (a paragraph's commands are passages before its sentences: look both ways)
    for d in range(max(0, doc - FIX_LINES), min(doc + 1 + FIX_LINES, index.n)):
        q = index.passage(d)
        if d != doc and q.kind in ("command", "prose") and _same_part(q, p) \
                and first <= q.source.line <= p.source.end_line + FIX_LINES \
                and not error_output(q):
            found.append((q.kind != "command", q.source.line, d))
    return min(found)[2] if found else None


def _same_part(p: Passage, q: Passage) -> bool:
    """Do the two passages stand in the same part (section) of the same note?"""
    return p.source.path == q.source.path and p.section == q.section


def _nearby(index: Index, term: str, doc: int, at_most: int = 200) -> bool:
    """Is the term in another passage of the same note within NEARBY_LINES lines of doc's?"""
    p = index.passage(doc)
    for d in _docs(index, term)[:at_most]:
        if d == doc:
            continue  # (what the passage says itself was looked at: its own words)
        s = index.passage(int(d)).source
        if s.path == p.source.path and abs(s.line - p.source.line) <= NEARBY_LINES:
            return True
    return False


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _names(q: Query) -> list[tuple[str, frozenset[str], bool]]:
    """The tools a question names, each as the terms that stand for it and whether the answer
    must say it: amid Chinese, every word in Latin letters, which the answer (or the lines
    around it) must say when the lexicon does not know it (postgres, lfs) or it is a program
    (git); in English, the words the command glossary knows as programs or packages (mysql,
    pg_dump, fail2ban) unless the lexicon knows them as words (find, kill)."""
    # (a quantity, 6G or 100MB, names no tool; a subcommand of the command the question
    # names is no tool of its own: `docker container ls` is `docker ps`, see _unused_command)
    subcommands = set(q.family.split()[1:]) if q.family else set()
    latin = [g for g in q.groups if g.kind in ("word", "code") and not g.label[:1].isdigit()
             and g.label.lower() not in subcommands]
    if not latin:
        return []
    from qa.glossary import tools

    if q.lang != "en":
        return [(g.label, g.terms - g.partial - g.related,
                 g.kind == "word" and len(g.terms) == 1 or g.label.lower() in tools())
                for g in latin]

    return [(g.label, g.terms - g.partial - g.related, True) for g in latin
            if g.named or g.label.lower() in tools() and (g.kind == "code" or len(g.terms) == 1)]


def _docs(index: Index, term: str) -> Any:
    post = index.postings(term)
    return () if post is None else post[0]
