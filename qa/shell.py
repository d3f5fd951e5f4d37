"""How a shell cuts a command line into simple commands, for `explain` and `lint` alike.

Quotes, backslashes, ``$(...)`` and backquoted substitutions, comments and the operators between
commands (``|``, ``&&``, ``;``, …) are read here, once. What a command's words mean is left to
the callers. Pure functions: nothing here runs a command or prints.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

# `VAR=value` before a program: part of the command line, not the program.
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
# Longest first, so that `&&` is not read as two `&`.
OPERATORS = ("&&", "||", "|&", ";;", "|", ";", "&")
# A redirection word: `>`, `2>>`, `<`, `&>`, `2>&1`.
REDIRECT = re.compile(r"\d*(?:>>?|<|&>)(?:&\d+)?")
# A substitution's place in SimpleCommand.text; private-use characters, so never typed, never
# whitespace, never a quote: the words of a command are the same with them as with the original.
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile(f"{_MARK_OPEN}(\\d+){_MARK_CLOSE}")


@dataclass(frozen=True)
class Substitution:
    """A ``$(...)`` or backquoted command inside a command line."""

    text: str  # as written, from `$(` or "`" to what closes it (the line's end if nothing does)
    body: str  # the command inside


@dataclass(frozen=True)
class SimpleCommand:
    """One command of a line, and the operator that ends it (``""`` at the end of the line)."""

    text: str  # as written, each substitution replaced by a mark of its place
    substitutions: tuple[Substitution, ...]
    operator: str
    open_quote: str  # the quote the text leaves open, if any (notes often lose a closing one)

    def restore(self, text: str, stand_in: str | None = None) -> str:
        """``text`` (a word of this command, or all of it) with each mark back as the
        substitution it marks, or as ``stand_in``."""
        return _MARK.sub(
            lambda m: self.substitutions[int(m.group(1))].text if stand_in is None else stand_in,
            text,
        )


def split_commands(line: str, *, script: bool) -> list[SimpleCommand]:
    """Cut ``line`` at the operators outside quotes, lifting out its substitutions.

    Every command is returned, empty ones too, so that the operators keep their order. With
    ``script`` the line is read as the notes' code is: each line break ends a command too, and a
    comment, also one glued to the end of a word (``docker pull alpine# 获取镜像``), runs to the end
    of its line. Without it the line is one command line, and a comment at a word's start ends it.
    """
    commands: list[SimpleCommand] = []
    text: list[str] = []
    substitutions: list[Substitution] = []
    quote = ""

    def end(operator: str) -> None:
        commands.append(SimpleCommand("".join(text), tuple(substitutions), operator, quote))
        text.clear()
        substitutions.clear()

    i = 0
    while i < len(line):
        c, following = line[i], line[i + 1 : i + 2]
        before = text[-1][-1:] if text else ""
        if quote == "'":
            quote = "" if c == "'" else quote
        elif c == "\\":
            text.append(line[i : i + 2])
            i += 2
            continue
        elif c == "`" or (c == "$" and following == "("):
            close = closing(line, i)
            stop = len(line) if close is None else close + 1
            body = line[i + (1 if c == "`" else 2) : len(line) if close is None else close]
            substitutions.append(Substitution(line[i:stop], body))
            text.append(f"{_MARK_OPEN}{len(substitutions) - 1}{_MARK_CLOSE}")
            i = stop
            continue
        elif quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (not before.strip() or (script and not following.strip())):
            if not script:
                break
            newline = line.find("\n", i)
            i = len(line) if newline < 0 else newline
            continue
        else:
            operator = "\n" if script and c == "\n" else _operator_at(line, i, before)
            if operator:
                end(operator)
                i += len(operator)
                continue
        text.append(c)
        i += 1
    end("")
    return commands


def _operator_at(line: str, i: int, before: str) -> str:
    """The operator starting at ``line[i]``, or ``""``; ``>&``, ``<&`` and ``&>`` redirect."""
    operator = next((o for o in OPERATORS if line.startswith(o, i)), "")
    if operator.startswith("&") and (before in ("<", ">") or line[i + 1 : i + 2] == ">"):
        return ""
    return operator


def closing(line: str, start: int) -> int | None:
    """Index of what closes the substitution opened at ``start`` (None if nothing does)."""
    if line[start] == "`":
        end = line.find("`", start + 1)
        return end if end >= 0 else None
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
    return None


def words(text: str, closers: Iterable[str]) -> list[str]:
    """The shell words of ``text``, with the first of ``closers`` (quotes to append) that leaves
    no quote open; split at spaces when none does."""
    for closer in closers:
        try:
            return shlex.split(text + closer)
        except ValueError:
            continue
    return text.split()


def program_name(word: str) -> str:
    """The program a command word runs: `/usr/bin/docker` -> `docker`."""
    return word.rsplit("/", 1)[-1]


def program_at(words: list[str]) -> int:
    """Index of the program word, past ``sudo [-u root]``, a ``$`` prompt and ``VAR=value``."""
    i = 0
    while i < len(words):
        if words[i] == "sudo":
            i += 1
            while i < len(words) and words[i].startswith("-"):
                i += 2 if words[i] in _SUDO_VALUED and i + 1 < len(words) else 1
        elif words[i] == "$" or ASSIGNMENT.match(words[i]):
            i += 1
        else:
            break
    return i


# sudo's options that take a value (`sudo -u root docker ps`: root is not the program)
_SUDO_VALUED = frozenset(("-u", "-g", "-p", "-C", "-D", "-r", "-t", "-U", "-R", "-T"))
