"""Flag entries of the notes: fuzzy look-up of flag names, and `explain` for command lines.

Every description comes from the notes. Docker's own CLI vocabulary (`qa/data/docker_cli.json`)
is consulted only for facts the notes rarely state: which names mean the same flag in two
command families (`docker exec -i` is `docker run -i`; `docker commit -a` is not `docker run -a`),
whether a flag takes a value, and which flags and subcommands are real.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from qa import shell
from qa.glossary import flag_meaning
from qa.model import ExplainedPart, Explanation, FlagEntry, Passage
from qa.notes import command_family

if TYPE_CHECKING:
    from qa.index import Index

Node = dict[str, Any]

# Words of a question asking for a flag (`用哪个参数`, `which flag`, `options`).
FLAG_WORDS = frozenset({"参数", "选项", "参数项", "flag", "option", "param", "parameter"})
# fuzz.ratio of a misspelled subcommand to the real one: `exe`/`exec` 86, `imags`/`images` 91.
SUBCOMMAND_CUTOFF = 75.0
# Programs whose options are words after one dash (`find -name`): never split into letters.
_SINGLE_DASH_WORDS = frozenset({"find", "java", "javac", "go", "gcc", "g++", "clang", "openssl"})
_FLAG = re.compile(r"--?[A-Za-z0-9]")
_NAME_OK = re.compile(r"[a-z][\w.+-]*$")
_CLAUSE = re.compile(r"[^，。,;；]+")


# --- fuzzy flag names --------------------------------------------------------------------------
def correct_flag(name: str, known: Iterable[str]) -> str | None:
    """The real flag a misspelled one means (`--memroy` -> `--memory`), or None.

    Single-letter flags are case-sensitive and never corrected (`-p` is not `-P`); a long name
    typed with one dash is (`-rm` -> `--rm`). The edit distance allowed grows with the length.
    """
    from rapidfuzz.distance import OSA

    names = set(known)
    if not name.startswith("--"):
        return "-" + name if len(name) > 2 and "-" + name in names else None
    body = name[2:]
    limit = 0 if len(body) < 2 else 1 if len(body) <= 4 else 2 if len(body) <= 8 else 3
    best: tuple[int, str] | None = None
    for k in names:
        if k.startswith("--") and k != name:
            d = OSA.distance(body, k[2:], score_cutoff=limit)
            if d <= limit and (best is None or (d, k) < best):
                best = (d, k)
    return best[1] if best else None


def is_flag_word(word: str) -> bool:
    """Does this word of a question ask for a flag (参数, option, flags)?"""
    from qa.lexicon import stem

    return word in FLAG_WORDS or stem(word.lower()) in FLAG_WORDS


def name_match(entry: FlagEntry, terms: frozenset[str]) -> float:
    """Share of the words of a flag's long name a question uses (`--env-file`: env, file)."""
    from qa.lexicon import stem

    words = [w for w in (entry.long or "").split("-") if w]
    if not words:
        return 0.0
    return sum(w in terms or stem(w) in terms for w in words) / len(words)


# --- Docker's CLI vocabulary -----------------------------------------------------------------
@lru_cache(maxsize=1)
def _roots() -> dict[str, Node]:
    from qa.lint import vocabulary

    data = vocabulary()
    tools = {"docker": data, **data.get("tools", {})}
    return {name: {"flags": t.get("global_flags", []), "subcommands": t.get("commands", {})}
            for name, t in tools.items()}


@lru_cache(maxsize=512)
def _resolve(family: str) -> tuple[str, Node] | None:
    """The canonical name and vocabulary node of a family (`docker ps` -> `docker container ls`)."""
    program, *words = family.split()
    node = _roots().get(program)
    if node is None:
        return None
    path = [program]
    for w in words:
        child = node.get("subcommands", {}).get(w)
        if child is None:
            return None
        if "alias_of" in child:
            target = _resolve(f"{program} {child['alias_of']}")
            if target is None:
                return None
            path, node = target[0].split(), target[1]
        else:
            path, node = path + [w], child
    return " ".join(path), node


@lru_cache(maxsize=1)
def _names_of() -> dict[str, tuple[str, ...]]:
    """A canonical command -> every name of it in the vocabulary (`docker container ls`:
    docker ps, docker container ps, docker container list…)."""
    out: dict[str, list[str]] = {}

    def walk(path: list[str], node: Node) -> None:
        for w, child in node.get("subcommands", {}).items():
            name = " ".join([*path, w])
            resolved = _resolve(name)
            if resolved is not None:
                out.setdefault(resolved[0], []).append(name)
            if "alias_of" not in child:
                walk([*path, w], child)

    for program, node in _roots().items():
        walk([program], node)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def command_names(family: str) -> tuple[str, ...]:
    """Every name of a command, the one given first (`docker rmi`: docker image rm too)."""
    return tuple(dict.fromkeys([family, *_names_of().get(_canonical(family) or family, ())]))


def _canonical(family: str | None) -> str | None:
    if family is None:
        return None
    resolved = _resolve(family)
    return resolved[0] if resolved else family


def real_flag(family: str | None, name: str) -> Node | None:
    """The vocabulary's record of flag `name` in `family` (None when unknown or not Docker's)."""
    resolved = _resolve(family) if family else None
    if resolved is None:
        return None
    node = resolved[1]
    flags = list(node.get("flags", ()))
    if " " not in resolved[0]:
        flags += _roots()[resolved[0]]["flags"]
    return next((f for f in flags if name in (f.get("short"), f.get("long"))), None)


@lru_cache(maxsize=1)
def _all_real_names() -> frozenset[str]:
    names: set[str] = set()
    todo = list(_roots().values())
    while todo:
        node = todo.pop()
        names.update(n for f in node.get("flags", ()) for n in (f.get("short"), f.get("long")) if n)
        todo += node.get("subcommands", {}).values()
    return frozenset(names)


def is_real_flag(name: str, family: str | None) -> bool:
    """Is `name` a real flag of `family` (of any Docker command when the family is not one
    Docker's vocabulary knows)? A real flag is never "corrected" to a flag of the notes."""
    if family and _resolve(family):
        return real_flag(family, name) is not None
    return name in _all_real_names()


def question_means(entry: FlagEntry, name: str, family: str | None) -> bool:
    """Can `name` in a question that names `family` mean the flag `entry` describes?
    The family decides between commands of one program (`docker commit -a` is not
    `docker run -a`); a family of another program (`host port`) is not taken as one."""
    if family is None or entry.command is None \
            or family.split()[0] != entry.command.split()[0]:
        return True
    return same_flag(entry, name, family)


def same_flag(entry: FlagEntry, name: str, family: str | None) -> bool:
    """Does `name`, used in `family`, mean the flag `entry` describes in its own family?

    One family (aliases included): yes. Two Docker families: when Docker gives the name the same
    long form in both. Elsewhere: long names of the same program, and flags the notes give the
    bare program (a short name means different things in two commands too often)."""
    if entry.command is None:
        return True  # the notes did not say whose flag it is
    if family is None:
        return False
    if _canonical(family) == _canonical(entry.command):
        return True
    if family.split()[0] != entry.command.split()[0]:
        return False
    ours, theirs = real_flag(family, name), real_flag(entry.command, name)
    if ours is not None and theirs is not None:
        return ours.get("long") == theirs.get("long")
    if _resolve(family.split()[0]) is not None:
        return False  # Docker's vocabulary does not confirm it
    # a flag the notes give the whole program (`git` 的常用参数) serves its subcommands too
    return name.startswith("--") or entry.command == family.split()[0]


def takes_value(entry: FlagEntry | None, name: str, family: str | None) -> bool:
    """Does the flag take a value? The notes' default says so (`""`, `[]`, `0` yes; `false` no);
    else Docker's vocabulary; else no."""
    if entry is not None and entry.default is not None:
        return entry.default.strip().lower() not in ("false", "true")
    for fam in (family, entry.command if entry else None):
        ref = real_flag(fam, name)
        if ref is not None:
            return bool(ref.get("value"))
    return False


# --- the flags of the notes ---------------------------------------------------------------------
class FlagTable:
    """The flags the notes describe, by command family, each under each of its names."""

    def __init__(self, passages: Iterable[Passage]) -> None:
        best: dict[tuple[str | None, str], tuple[int, FlagEntry]] = {}
        families: set[str] = set()
        for p in passages:
            family = command_family(p.command) if p.command else None
            if family:
                families.add(family)
            quality = 4 if p.kind == "flag" else 0
            for f in (*p.flags, *comment_entries(p)):
                score = quality + 2 * (f.default is not None) + (f.short is not None
                                                                and f.long is not None)
                for name in f.names:
                    key = (f.command, name)
                    if key not in best or score > best[key][0]:
                        best[key] = (score, f)
        self._entries = {k: e for k, (_, e) in best.items()}
        self._by_name: dict[str, list[FlagEntry]] = {}
        for (_, name), e in self._entries.items():
            self._by_name.setdefault(name, []).append(e)
        self.families = frozenset(families | {f for f, _ in self._entries if f})
        self.names = frozenset(self._by_name)

    def entries(self) -> list[FlagEntry]:
        """Each entry once, in the order of the notes."""
        return list(dict.fromkeys(self._entries.values()))

    def lookup(self, name: str, family: str | None) -> FlagEntry | None:
        """The entry for flag `name` as used in `family`: of that family (or an alias of it);
        failing that, of a family where the name means the same flag (its `command` says which)."""
        found = self._entries.get((family, name))
        if found is not None:
            return found
        candidates = self._by_name.get(name, [])
        canon = _canonical(family)
        for e in candidates:
            if family is not None and e.command is not None and _canonical(e.command) == canon:
                return e
        for e in candidates:
            if e.command is not None and same_flag(e, name, family):
                return e
        for e in candidates:
            if e.command is None and name.startswith("--"):
                return e
        return None

    def family_names(self, family: str | None) -> list[str]:
        canon = _canonical(family)
        return [n for (f, n) in self._entries if f is not None and _canonical(f) == canon]

    def suggest(self, name: str, family: str | None) -> str | None:
        """The flag a name that is neither in the notes nor real probably means, or None."""
        if name in self.names or real_flag(family, name) is not None:
            return None
        resolved = _resolve(family) if family else None
        real = [n for f in resolved[1].get("flags", ()) for n in (f.get("short"), f.get("long"))
                if n] if resolved else []
        for pool in (self.family_names(family), real):
            fixed = correct_flag(name, pool)
            if fixed:
                return fixed
        # a flag of another command: only a long name (`-name` is `find`'s, not `--name`)
        return correct_flag(name, self.names) if name.startswith("--") else None


def comment_entries(p: Passage) -> Iterator[FlagEntry]:
    """`docker container ls -q # …，-q可以只列出来id`: a flag a command uses, that its comment
    explains and no entry of the passage describes, with the comment's clause about it."""
    if p.kind != "command" or not p.command or not p.description:
        return
    from qa.index import flags_in

    family = command_family(p.command)
    have = {n for f in p.flags for n in f.names}
    for name in dict.fromkeys(flags_in(p.command)):
        if name in have:
            continue
        for clause in _CLAUSE.findall(p.description):
            m = re.search(rf"(?<![\w-]){re.escape(name)}(?![A-Za-z0-9_-])", clause)
            rest = clause[m.end():].strip(" ：:") if m else ""
            if m and len(rest) >= 2:
                long = name if name.startswith("--") else None
                yield FlagEntry(None if long else name, long, None, rest, family)
                break


_tables: weakref.WeakKeyDictionary[Index, FlagTable] = weakref.WeakKeyDictionary()
_tables_lock = threading.Lock()


def flag_table(index: Index) -> FlagTable:
    """The flags of an index's notes (read once an index object)."""
    with _tables_lock:
        table = _tables.get(index)
        if table is None:
            table = _tables[index] = FlagTable(index.all_passages())
        return table


# --- explain -----------------------------------------------------------------------------------
def explain(command_line: str, index: Index) -> Explanation:
    """Each token of a command line against the flags the notes describe.

    Roles: program, subcommand, flag, value, argument, and operator (`|`, `&&`, `$(`, `)`).
    A flag's entry is of the line's own command family, or of another family where Docker
    gives the name the same meaning (the entry's `command` then names that family). A flag the
    notes do not describe gets no entry; a misspelled one gets a `suggestion`.
    """
    return Explanation(command_line.strip(), tuple(_explain_line(command_line, flag_table(index))))


def _explain_line(line: str, table: FlagTable) -> list[ExplainedPart]:
    parts: list[ExplainedPart] = []
    for item in _split(line):
        if isinstance(item, str):
            parts.append(ExplainedPart(item, "operator"))
        else:
            parts += _explain_command(item, table)
    return parts


def _split(line: str) -> list[str | list[str]]:
    """A shell line -> commands (lists of words) and the operators between them.

    `$(...)` and backquotes stay inside their word; a comment ends the line.
    """
    out: list[str | list[str]] = []
    for command in shell.split_commands(line.replace("\\\n", " "), script=False):
        if command.text.strip():
            out.append([command.restore(w) for w in _words(command.text, command.open_quote)])
        if command.operator:
            out.append(command.operator)
    return out


def _words(text: str, open_quote: str) -> list[str]:
    """Shell words; a quote left open (common in notes) is closed at the end of the command."""
    found = shell.words(text, (open_quote,))
    return found[:-1] if open_quote and found and not found[-1] else found


def _substitution(word: str) -> str | None:
    """The command inside a word that is one whole `$(...)` or backquoted substitution."""
    # one that never closes runs to the end of the word
    if word.startswith("$(") and word.endswith(")") \
            and shell.closing(word, 0) in (None, len(word) - 1):
        return word[2:-1]
    if len(word) > 1 and word[0] == word[-1] == "`" and "`" not in word[1:-1]:
        return word[1:-1]
    return None


def _explain_command(words: list[str], table: FlagTable) -> list[ExplainedPart]:
    parts: list[ExplainedPart] = []
    i = shell.program_at(words)  # past `sudo -u root`, a `$` prompt, `VAR=value`
    for w in words[:i]:
        if w != "$":  # a pasted prompt is not part of the command
            parts.append(ExplainedPart(w, "program" if w == "sudo" else
                                       "flag" if w.startswith("-") else "argument"))
    if i == len(words):
        return parts
    program = words[i]
    family, subcommands, fixed = _family(words[i:], table)
    parts.append(ExplainedPart(program, "program"))
    for k, w in enumerate(subcommands):
        parts.append(ExplainedPart(w, "subcommand", suggestion=fixed if k == len(subcommands) - 1
                                   else None))
    if fixed:
        family = " ".join([program, *subcommands[:-1], fixed])
    resolved = _resolve(family) if family else None
    # `docker run IMAGE CMD…`: after the first argument, the words are a command of their own
    inner_command = resolved is not None and resolved[1].get("interspersed") is False
    return parts + _explain_options(words[i + 1 + len(subcommands):], family, program, table,
                                    inner_command)


def _family(words: list[str], table: FlagTable) -> tuple[str | None, list[str], str | None]:
    """A command's family, the words of it after the program, and the subcommand a misspelled
    last one probably means (`docker exe` -> `exec`)."""
    program = words[0]
    family = command_family(" ".join(words))
    if family is None or family.split()[0] != program:
        return (program if _NAME_OK.match(program) else None), [], None
    subcommands = family.split()[1:]
    root = _roots().get(program)
    if root is None:
        # other programs: the notes must know the family (`git commit`; not `grep none`)
        return (family, subcommands, None) if family in table.families else (program, [], None)
    node = root
    for k, w in enumerate(subcommands):
        children = node.get("subcommands", {})
        if w not in children:
            return family, subcommands[:k + 1], _nearest_subcommand(w, children)
        resolved = _resolve(" ".join([program, *subcommands[:k + 1]]))
        node = resolved[1] if resolved else {}
    return family, subcommands, None


def _nearest_subcommand(word: str, children: dict[str, Node]) -> str | None:
    from rapidfuzz import fuzz, process

    best = process.extractOne(word, list(children), scorer=fuzz.ratio,
                              score_cutoff=SUBCOMMAND_CUTOFF)
    return best[0] if best else None


def _explain_options(words: list[str], family: str | None, program: str, table: FlagTable,
                     inner_command: bool) -> list[ExplainedPart]:
    parts: list[ExplainedPart] = []
    i = 0
    while i < len(words):
        w = words[i]
        i += 1
        if w == "--":
            parts.append(ExplainedPart(w, "argument"))
            parts += [ExplainedPart(x, "argument") for x in words[i:]]
            break
        if shell.REDIRECT.match(w):
            parts.append(ExplainedPart(w, "operator"))
            continue
        if not _FLAG.match(w):
            inner = _substitution(w)
            if inner is not None:
                parts.append(ExplainedPart(w[:2] if w[0] == "$" else "`", "operator"))
                parts += _explain_line(inner, table)
                parts.append(ExplainedPart(w[-1], "operator"))
            else:
                parts.append(ExplainedPart(w, "argument"))
            if inner_command:
                parts += _explain_command(words[i:], table)
                break
            continue
        pieces = _flag_pieces(w, family, program, table)
        for k, (name, glued) in enumerate(pieces):
            entry = table.lookup(name, family)
            suggestion = table.suggest(name, family) if entry is None else None
            known = flag_meaning(family, name) if entry is None and suggestion is None else None
            parts.append(ExplainedPart(name, "flag", entry, suggestion, known))
            if glued is not None:
                parts.append(ExplainedPart(glued, "value"))
            elif k == len(pieces) - 1 and i < len(words) and _wants_value(
                    entry, name, suggestion, family, table):
                parts.append(ExplainedPart(words[i], "value"))
                i += 1
    return parts


def _wants_value(entry: FlagEntry | None, name: str, suggestion: str | None,
                 family: str | None, table: FlagTable) -> bool:
    if entry is None and suggestion is not None:
        # a misspelled flag takes a value when the flag it stands for does
        name, entry = suggestion, table.lookup(suggestion, family)
    return takes_value(entry, name, family)


def _flag_pieces(word: str, family: str | None, program: str,
                 table: FlagTable) -> list[tuple[str, str | None]]:
    """A flag word -> (flag, value glued to it) pairs: `--net=host`, `-it`, `-p90:80`."""
    if word.startswith("--"):
        name, eq, value = word.partition("=")
        return [(name, value if eq else None)]
    body = word[1:]
    whole_known = table.lookup(word, family) or real_flag(family, word)
    if len(body) == 1 or whole_known or program in _SINGLE_DASH_WORDS:
        return [(word, None)]
    letters = re.match(r"[A-Za-z]+", body)
    if letters is None:  # `-1`
        return [(word, None)]
    shorts = [f"-{c}" for c in letters.group(0)]
    known = [s for s in shorts if table.lookup(s, family) or real_flag(family, s)]
    if len(known) < len(shorts) and ("-" + word in table.family_names(family)
                                     or real_flag(family, "-" + word)):
        return [(word, None)]  # `-rm`: a long flag typed with one dash, not -r -m
    pieces: list[tuple[str, str | None]] = []
    for k, name in enumerate(shorts):
        rest = body[k + 1:]
        if rest and takes_value(table.lookup(name, family), name, family):
            return pieces + [(name, rest)]
        pieces.append((name, None))
    tail = body[len(shorts):]
    if tail:  # `-p8080`: what follows the letters is the last flag's value
        pieces[-1] = (pieces[-1][0], tail)
    return pieces
