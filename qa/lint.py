"""Check the Docker command lines found in notes against Docker's real CLI.

The vocabulary is ``qa/data/docker_cli.json``. Nothing here runs a command, prints or writes:
:func:`check_command` splits a line the way a shell would and walks its words through the
vocabulary, command → subcommand → flags.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz, process

__all__ = ["KINDS", "SCORE_CUTOFF", "Finding", "check_command", "vocabulary"]

# Every kind a Finding may have. "unknown-command" is part of the shared vocabulary, but
# check_command never reports it: a line whose program is not docker/docker-machine is not checked.
KINDS = (
    "unknown-command",
    "unknown-subcommand",
    "unknown-flag",
    "removed-flag",
    "deprecated-flag",
    "missing-subcommand",
)
# fuzz.ratio of usual slips: 'exe'/'exec' 86, 'psx'/'ps' 80, 'memroy'/'memory' 83.
SCORE_CUTOFF = 75.0

# Stands in for a `$(...)` or backquoted substitution, which is checked as a command of its own.
# Its non-ASCII ellipsis makes it match _PLACEHOLDER, so it is never taken for a subcommand.
_SUBSTITUTION = "$(…)"
# Stand-ins for a real value: <hub-user>, {{image}}, [OPTIONS], CONTAINER_NAME, 容器ID.
_PLACEHOLDER = re.compile(r"<[^<>]+>|\{\{.*\}\}|\[.*\]|^[A-Z][A-Z0-9_]*$|[^\x00-\x7f]")
_REDIRECT = re.compile(r"\d*(?:>>?|<|&>)(?:&\d+)?")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
# Accepted by every command of both tools unless the command gives the letter another meaning.
_HELP: dict[str, Any] = {"short": "-h", "long": "--help", "value": False, "status": "current"}
# A flag of a docker-machine driver (`create --virtualbox-memory 2048`); assumed to take a value.
_DRIVER_FLAG: dict[str, Any] = {"value": True, "status": "current"}

Node = dict[str, Any]
Flag = dict[str, Any]


@dataclass(frozen=True)
class Finding:
    """One problem in a command line; ``fix``, when known, replaces ``token``."""

    kind: str
    token: str
    message_en: str
    message_zh: str
    fix: str | None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


@cache
def vocabulary() -> Node:
    """The packaged Docker CLI vocabulary, read once (treat it as read-only)."""
    text = resources.files("qa.data").joinpath("docker_cli.json").read_text(encoding="utf-8")
    data: Node = json.loads(text)
    return data


@cache
def _tools() -> dict[str, Node]:
    """Each checked program as a root node: its global flags and its commands."""
    data = vocabulary()
    tools = {"docker": data, **data.get("tools", {})}
    return {
        name: {"flags": t["global_flags"], "subcommands": t["commands"]}
        for name, t in tools.items()
    }


def check_command(line: str) -> tuple[Finding, ...]:
    """Findings for every docker / docker-machine command in ``line``, in order of appearance.

    Pipelines and lists (``|``, ``&&``, ``;``) are split into commands; ``$(...)`` is checked as a
    command of its own; a leading ``sudo``, ``$`` prompt or ``VAR=value`` is skipped. Other
    programs, and empty lines, give ``()``.
    """
    findings: list[Finding] = []
    for text, substitutions in _split(line.replace("\\\n", " ")):
        findings += _check_words(_words(text))
        for inner in substitutions:
            findings += check_command(inner)
    return tuple(findings)


# --- shell-like splitting -------------------------------------------------------------------------


def _split(line: str) -> list[tuple[str, list[str]]]:
    """Cut ``line`` into commands at ``| || && ; &`` and line ends outside quotes, minus comments.

    Each command comes with the bodies of the substitutions lifted out of it.
    """
    commands: list[tuple[str, list[str]]] = []
    text: list[str] = []
    substitutions: list[str] = []
    quote = ""
    i = 0
    while i < len(line):
        c, following = line[i], line[i + 1 : i + 2]
        before = text[-1][-1:] if text else ""
        if quote == "'":
            quote = "" if c == "'" else quote
            text.append(c)
        elif c == "\\":
            text.append(line[i : i + 2])
            i += 1
        elif c == "`" or (c == "$" and following == "("):
            end = _closing(line, i)
            substitutions.append(line[i + (1 if c == "`" else 2) : end])
            text.append(_SUBSTITUTION)
            i = end
        elif quote:
            quote = "" if c == quote else quote
            text.append(c)
        elif c in "'\"":
            quote = c
            text.append(c)
        elif c == "#" and (not before.strip() or not following.strip()):
            # a comment: at a word's start, or glued to one as in `docker pull alpine# 获取镜像`
            end = line.find("\n", i)
            i = len(line) if end < 0 else end
            continue
        elif c in "|;\n" or (c == "&" and before not in ("<", ">") and following != ">"):
            commands.append(("".join(text), substitutions))
            text, substitutions = [], []
            if line[i : i + 2] in ("||", "&&", "|&", ";;"):
                i += 1
        else:
            text.append(c)
        i += 1
    commands.append(("".join(text), substitutions))
    return commands


def _closing(line: str, start: int) -> int:
    """Index of what closes the substitution opened at ``start`` (``len(line)`` if nothing does)."""
    if line[start] == "`":
        end = line.find("`", start + 1)
        return end if end >= 0 else len(line)
    depth, quote = 0, ""
    for j in range(start + 1, len(line)):
        c = line[j]
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c in "()":
            depth += 1 if c == "(" else -1
            if depth == 0:
                return j
    return len(line)


def _words(text: str) -> list[str]:
    """Shell words of a command; notes often lose a closing quote: close it, or split on spaces."""
    for closer in ("", '"', "'"):
        try:
            return shlex.split(text + closer)
        except ValueError:
            continue
    return text.split()


def _check_words(words: list[str]) -> list[Finding]:
    words = _without_redirections(words)
    i = 0
    while i < len(words):  # what may stand before the program
        if words[i] == "sudo":
            i += 1
            while i < len(words) and words[i].startswith("-"):
                i += 1
        elif words[i] == "$" or _ASSIGNMENT.match(words[i]):
            i += 1
        else:
            break
    if i == len(words):
        return []
    program = words[i].rsplit("/", 1)[-1]
    root = _tools().get(program)
    if root is None:
        return []
    findings: list[Finding] = []
    _walk(root, [program], words[i + 1 :], findings)
    return findings


def _without_redirections(words: list[str]) -> list[str]:
    kept: list[str] = []
    target_next = False
    for word in words:
        if target_next:
            target_next = False
            continue
        match = None if _PLACEHOLDER.search(word) else _REDIRECT.match(word)
        if match is None:
            kept.append(word)
        else:
            target_next = match.end() == len(word)  # `> file`: the target is the next word
    return kept


# --- walking the vocabulary -----------------------------------------------------------------------


def _walk(root: Node, path: list[str], args: list[str], out: list[Finding]) -> None:
    node, i = root, 0
    while "subcommands" in node:
        i = _check_flags(node, path, args, i, out, stop_at_positional=True)
        if i == len(args):
            if len(path) > 1 and not {"-h", "--help"} & set(args):  # bare `docker` prints help
                out.append(_missing_subcommand(root, node, path))
            return
        word, children = args[i], node["subcommands"]
        if word not in children:
            if not _PLACEHOLDER.search(word):
                out.append(_unknown_subcommand(word, list(children), path))
            return
        node, i = _resolve(root, children[word]), i + 1
        path.append(word)
    if not node.get("unchecked"):
        # run/exec/create stop at the image or container: what follows is the container's command
        _check_flags(node, path, args, i, out, stop_at_positional=node.get("interspersed") is False)


def _resolve(root: Node, node: Node) -> Node:
    """Follow ``alias_of``, a path of subcommands from the tool's root, to the command itself."""
    while "alias_of" in node:
        target = root
        for name in node["alias_of"].split():
            target = target["subcommands"][name]
        node = target
    return node


def _check_flags(
    node: Node,
    path: list[str],
    args: list[str],
    i: int,
    out: list[Finding],
    *,
    stop_at_positional: bool,
) -> int:
    """Check the flags in ``args[i:]``; return the index of the first positional word (or end)."""
    table = {name: flag for flag in node["flags"] for name in (flag["short"], flag["long"]) if name}
    while i < len(args):
        word = args[i]
        if word == "--":
            return len(args) if not stop_at_positional else i + 1
        if not word.startswith("-") or word == "-":
            if stop_at_positional:
                return i
            i += 1
            continue
        if word.startswith("--"):
            name, equals, _ = word.partition("=")
            flag = _lookup(name, table, node, path, out)
            takes_next = bool(flag and flag["value"]) and not equals
        else:
            takes_next = _check_letters(word, table, node, path, out)
        i += 2 if takes_next else 1
    return i


def _check_letters(
    word: str, table: dict[str, Flag], node: Node, path: list[str], out: list[Finding]
) -> bool:
    """Check ``-it``, ``-aq``, ``-p8080:80`` letter by letter; True if the next word is a value."""
    letters = word[1:]
    long = "--" + letters.partition("=")[0]
    if len(letters) > 1 and "-" + letters[0] not in table and long in table:
        # `-name web`: a long flag with one dash, as Docker before 1.0 took it
        out.append(_unknown_flag(word.partition("=")[0], long, path))
        return bool(table[long]["value"]) and "=" not in letters
    for j, letter in enumerate(letters):
        flag = _lookup("-" + letter, table, node, path, out)
        if flag is None:
            return False
        if flag["value"]:  # the rest of the word is its value, or else the next word is
            return j == len(letters) - 1
    return False


def _lookup(
    name: str, table: dict[str, Flag], node: Node, path: list[str], out: list[Finding]
) -> Flag | None:
    """Report ``name`` if unknown, removed or deprecated; return the flag it is or likely means."""
    flag = table.get(name) or (_HELP if name in ("-h", "--help") else None)
    if flag is None:
        if any(name.startswith(prefix) for prefix in node.get("flag_prefixes", ())):
            return _DRIVER_FLAG
        guess = _guess_flag(name, table)
        out.append(_unknown_flag(name, guess, path))
        return table[guess] if guess else None
    if flag["status"] != "current":
        out.append(_retired_flag(name, flag, path))
    return flag


def _guess_flag(name: str, table: dict[str, Flag]) -> str | None:
    current = {n: f for n, f in table.items() if f["status"] == "current"}
    if not name.startswith("--"):  # letters are case-sensitive: only suggest the other case
        return name.swapcase() if name.swapcase() in current else None
    longs = {n: n[2:] for n in current if n.startswith("--")}
    match = process.extractOne(name[2:], longs, scorer=fuzz.ratio, score_cutoff=SCORE_CUTOFF)
    return str(match[2]) if match else None


# --- findings -------------------------------------------------------------------------------------


def _finding(
    kind: str, token: str, en: str, zh: str, fix: str | None, *, replacement: bool = False
) -> Finding:
    """Finish both messages with the fix: 'use X' for a retired flag, 'did you mean X' otherwise."""
    if fix:
        en += f"; use '{fix}'" if replacement else f"; did you mean '{fix}'?"
        zh += f"，请改用 '{fix}'" if replacement else f"，应为 '{fix}'"
    # a quoted word may hold a line break; a message stays on one line
    return Finding(kind, token, " ".join(en.splitlines()), " ".join(zh.splitlines()), fix)


def _unknown_subcommand(word: str, choices: list[str], path: list[str]) -> Finding:
    match = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=SCORE_CUTOFF)
    command = " ".join(path)
    return _finding(
        "unknown-subcommand",
        word,
        f"unknown subcommand '{word}' of '{command}'",
        f"'{command}' 没有子命令 '{word}'",
        match[0] if match else None,
    )


def _missing_subcommand(root: Node, node: Node, path: list[str]) -> Finding:
    command = " ".join(path)
    en, zh, fix = f"'{command}' needs a subcommand", f"'{command}' 缺少子命令", None
    if "ls" in node["subcommands"]:
        listing = _resolve(root, node["subcommands"]["ls"])
        shortcuts = [
            name for name, child in root["subcommands"].items() if _resolve(root, child) is listing
        ]
        en, zh = en + " such as 'ls'", zh + "（如 'ls'）"
        fix = f"{path[0]} {shortcuts[0]}" if shortcuts else f"{command} ls"
    return _finding("missing-subcommand", command, en, zh, fix)


def _unknown_flag(token: str, guess: str | None, path: list[str]) -> Finding:
    command = " ".join(path)
    return _finding(
        "unknown-flag",
        token,
        f"unknown flag '{token}' for '{command}'",
        f"'{command}' 没有选项 '{token}'",
        guess,
    )


def _retired_flag(token: str, flag: Flag, path: list[str]) -> Finding:
    command = " ".join(path)
    removed = flag["status"] == "removed"
    return _finding(
        "removed-flag" if removed else "deprecated-flag",
        token,
        f"flag '{token}' of '{command}' " + ("was removed" if removed else "is deprecated"),
        f"'{command}' 的选项 '{token}' " + ("已被移除" if removed else "已弃用"),
        flag["replacement"],
        replacement=True,
    )
