"""Check the command lines found in notes against Docker's real CLI, and a few shell slips.

The vocabulary is ``qa/data/docker_cli.json``. Nothing here runs a command, prints or writes:
:func:`check_command` splits a line the way a shell would and walks its words through the
vocabulary, command → subcommand → flags; it also knows the shape of ``service NAME ACTION``.
:func:`check_commands` reads a file's commands in order, for what only the sequence shows (two
ends of a veth pair given the same address); :func:`check_flag_entry` checks a flag the notes
describe; :func:`lint_passages` does all of it over a notes collection.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from qa import shell
from qa.model import FlagEntry, Passage

__all__ = [
    "KINDS",
    "SCORE_CUTOFF",
    "Finding",
    "LintItem",
    "answer_warnings",
    "check_command",
    "check_commands",
    "check_flag_entry",
    "lint_passages",
    "vocabulary",
]

# Every kind a Finding may have. "unknown-command" is part of the shared vocabulary, but
# check_command never reports it: a line whose program is not docker/docker-machine is not checked.
KINDS = (
    "unknown-command",
    "unknown-subcommand",
    "unknown-flag",
    "removed-flag",
    "deprecated-flag",
    "missing-subcommand",
    "unknown-service",
    "duplicate-address",
)
# fuzz.ratio of usual slips: 'exe'/'exec' 86, 'psx'/'ps' 80, 'memroy'/'memory' 83.
SCORE_CUTOFF = 75.0

# Stands in for a `$(...)` or backquoted substitution, which is checked as a command of its own.
# Its non-ASCII ellipsis makes it match _PLACEHOLDER, so it is never taken for a subcommand.
_SUBSTITUTION = "$(…)"
# Stand-ins for a real value: <hub-user>, {{image}}, [OPTIONS], CONTAINER_NAME, 容器ID.
_PLACEHOLDER = re.compile(r"<[^<>]+>|\{\{.*\}\}|\[.*\]|^[A-Z][A-Z0-9_]*$|[^\x00-\x7f]")
# Accepted by every command of both tools unless the command gives the letter another meaning.
_HELP: dict[str, Any] = {"short": "-h", "long": "--help", "value": False, "status": "current"}
# A flag of a docker-machine driver (`create --virtualbox-memory 2048`); assumed to take a value.
_DRIVER_FLAG: dict[str, Any] = {"value": True, "status": "current"}
# Actions every init script and systemd unit answers to: `service docker.restart` glued one on.
_SERVICE_ACTIONS = frozenset(
    "start stop restart reload status force-reload try-restart condrestart".split()
)
# Keywords of `ip link add|set` and `ip addr add` that take the next word as their value.
_LINK_VALUED = frozenset(
    "link txqueuelen txqlen address broadcast brd mtu index numtxqueues numrxqueues group alias"
    " master".split()
)
# A Dockerfile line among the commands of the notes (its `command` too): not a shell command.
_INSTRUCTION = re.compile(
    r"(?:FROM|RUN|CMD|ENTRYPOINT|COPY|ADD|WORKDIR|EXPOSE|ENV|LABEL|ARG|VOLUME|USER|HEALTHCHECK"
    r"|ONBUILD|STOPSIGNAL|SHELL|MAINTAINER)\s"
)
_ADDRESS_VALUED = frozenset(
    "peer broadcast brd anycast label scope metric valid_lft preferred_lft proto".split()
)

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


@dataclass(frozen=True)
class LintItem:
    """A finding at its place in the notes; ``command`` is the command or flag entry there."""

    path: str
    line: int
    command: str
    finding: Finding

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "command": self.command,
            **self.finding.to_dict(),
        }


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
    """Findings for every docker / docker-machine / service command in ``line``, in order.

    Pipelines and lists (``|``, ``&&``, ``;``) are split into commands; ``$(...)`` is checked as a
    command of its own; a leading ``sudo``, ``$`` prompt or ``VAR=value`` is skipped. Other
    programs, and empty lines, give ``()``.
    """
    findings: list[Finding] = []
    for command in shell.split_commands(line.replace("\\\n", " "), script=True):
        findings += _check_words(_words(command))
        for substitution in command.substitutions:
            findings += check_command(substitution.body)
    return tuple(findings)


# --- the words of each command --------------------------------------------------------------------


def _words(command: shell.SimpleCommand) -> list[str]:
    """Shell words of a command; notes often lose a closing quote: close it, or split on spaces."""
    return shell.words(command.restore(command.text, _SUBSTITUTION), ("", '"', "'"))


def _check_words(words: list[str]) -> list[Finding]:
    words = _without_redirections(words)
    i = shell.program_at(words)
    if i == len(words):
        return []
    program = shell.program_name(words[i])
    if program == "service":
        return _check_service(words[i + 1 :])
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
        match = None if _PLACEHOLDER.search(word) else shell.REDIRECT.match(word)
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
    table = _flag_table(node)
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


def _flag_table(node: Node) -> dict[str, Flag]:
    return {name: flag for flag in node["flags"] for name in (flag["short"], flag["long"]) if name}


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
    from rapidfuzz import fuzz, process  # (only for a flag the table lacks: answers stay light)

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
    from rapidfuzz import fuzz, process

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


# --- service NAME ACTION --------------------------------------------------------------------------


def _check_service(args: list[str]) -> list[Finding]:
    """``service docker.restart``: an action glued to the name, which no service is called."""
    named = [word for word in args if not word.startswith("-")]
    if len(named) != 1:
        return []
    name, dot, action = named[0].rpartition(".")
    if not dot or not name or action not in _SERVICE_ACTIONS:
        return []
    usage, systemd = f"service {name} {action}", f"systemctl {action} {name}"
    return [
        Finding(
            "unknown-service",
            named[0],
            f"'{named[0]}' is not a service: 'service' takes the name, then the action;"
            f" use '{usage}' (or '{systemd}')",
            f"没有叫 '{named[0]}' 的服务：service 先写服务名、再写动作，"
            f"请改用 '{usage}'（或 '{systemd}'）",
            f"{name} {action}",
        )
    ]


# --- flag entries the notes describe --------------------------------------------------------------


def check_flag_entry(entry: FlagEntry) -> tuple[Finding, ...]:
    """Removed or deprecated flags among the names of a flag the notes describe.

    The entry's command family (``docker run``) says whose flag it is; an entry of a family the
    vocabulary does not know, or of none, gives ``()``. A name the family lacks is not reported:
    the family of a described flag is the parser's guess, not something the notes say.
    """
    located = _command_node(entry.command) if entry.command else None
    if located is None:
        return ()
    node, path = located
    table = _flag_table(node)
    findings: list[Finding] = []
    reported: list[Flag] = []
    for name in entry.names:
        flag = table.get(name)
        if flag is None or flag["status"] == "current" or any(flag is r for r in reported):
            continue
        reported.append(flag)
        findings.append(_retired_flag(name, flag, path))
    return tuple(findings)


def _command_node(family: str) -> tuple[Node, list[str]] | None:
    """The vocabulary's node for a command path such as ``docker network create``."""
    program, *names = family.split() or [""]
    root = _tools().get(program)
    if root is None:
        return None
    node = root
    for name in names:
        child = node.get("subcommands", {}).get(name)
        if child is None:
            return None
        node = _resolve(root, child)
    return node, [program, *names]


# --- what only a sequence of commands shows -------------------------------------------------------


def check_commands(commands: Sequence[tuple[int, str]]) -> list[tuple[Finding, ...]]:
    """Findings for a notes file's commands, given in order as ``(line number, command)``.

    One tuple a command, in the same order: what :func:`check_command` finds in it, then what
    the commands before it make wrong. The ``ip`` commands are followed as a shell would run
    them (veth pairs, moves between namespaces, addresses), so that the second end of a veth
    pair given the address of the first is reported, with a free address of the same network.
    """
    network = _Network()
    return [_checked(command) + network.run(command, line) for line, command in commands]


# check_command of each distinct line once: answers show the same commands again and again
_checked = lru_cache(maxsize=4096)(check_command)

Device = int
Address = ipaddress.IPv4Interface | ipaddress.IPv6Interface


class _Network:
    """The network devices that a file's ``ip`` commands make, in their namespaces."""

    def __init__(self) -> None:
        self.devices: dict[tuple[str, str], Device] = {}  # (namespace, name) → device
        self.names: list[str] = []  # device → its name
        self.peers: dict[Device, Device] = {}
        self.addresses: dict[Device, dict[Any, int]] = {}  # device → its IPs → line given
        self.assignments = 0  # `ip addr add` commands seen, known devices or not

    def run(self, command: str, line: int) -> tuple[Finding, ...]:
        findings: list[Finding] = []
        for simple in shell.split_commands(command, script=True):
            words = _without_redirections(_words(simple))
            findings += self._ip(words[shell.program_at(words) :], "", line)
        return tuple(findings)

    def _ip(self, words: list[str], namespace: str, line: int) -> list[Finding]:
        if not words or shell.program_name(words[0]) != "ip":
            return []
        i = 1
        while i < len(words) and words[i].startswith("-"):  # -4, -br, -n NAMESPACE
            if words[i] in ("-n", "-netns", "--netns") and i + 1 < len(words):
                namespace = words[i + 1]
                i += 1
            i += 1
        if len(words) - i < 2:
            return []
        what, verb, args = words[i], words[i + 1], words[i + 2 :]
        if _abbreviates(what, "netns", 3) and verb == "exec" and args:
            return self._ip(args[1:], args[0], line)
        if _abbreviates(what, "link", 1) and verb == "add":
            self._add_veth(args, namespace)
        elif _abbreviates(what, "link", 1) and verb == "set":
            self._set_link(args, namespace)
        elif _abbreviates(what, "address", 1) and _abbreviates(verb, "add", 1):
            return self._add_address(args, namespace, line)
        elif _abbreviates(what, "address", 1) and _abbreviates(verb, "delete", 3):
            self._delete_address(args, namespace)
        return []

    def _add_veth(self, args: list[str], namespace: str) -> None:
        """``ip link add A [netns X] type veth peer [name] B [netns Y]``."""
        kind = args.index("type") if "type" in args else len(args)
        if args[kind + 1 : kind + 2] != ["veth"] or "peer" not in args[kind:]:
            return
        peer = args.index("peer", kind)
        ends = [_link_end(args[:kind], namespace), _link_end(args[peer + 1 :], namespace)]
        if ends[0] and ends[1]:
            a, b = self._new(*ends[0]), self._new(*ends[1])
            self.peers[a], self.peers[b] = b, a

    def _new(self, namespace: str, name: str) -> Device:
        self.names.append(name)
        self.devices[(namespace, name)] = len(self.names) - 1
        return len(self.names) - 1

    def _set_link(self, args: list[str], namespace: str) -> None:
        """``ip link set [dev] A netns X`` moves A to X; ``... name B`` renames it."""
        values = _keyword_values(args, ("dev", "netns", "name"), _LINK_VALUED, bare="dev")
        device = self.devices.pop((namespace, values.get("dev", "")), None)
        if device is None:
            return
        self.names[device] = values.get("name", self.names[device])
        self.devices[(values.get("netns", namespace), self.names[device])] = device

    def _address(
        self, args: list[str], namespace: str
    ) -> tuple[str, Address | None, Device | None]:
        """``ADDRESS/PREFIX dev A`` as written, as an address, and the device A is."""
        values = _keyword_values(args, ("local", "dev"), _ADDRESS_VALUED, bare="local")
        written = values.get("local", "")
        return written, _interface(written), self.devices.get((namespace, values.get("dev", "")))

    def _add_address(self, args: list[str], namespace: str, line: int) -> list[Finding]:
        """``ip addr add ADDRESS/PREFIX dev A``: the other end of A's veth pair must not have it."""
        written, address, device = self._address(args, namespace)
        if address is None:
            return []
        self.assignments += 1
        if device is None:
            return []
        findings: list[Finding] = []
        peer = self.peers.get(device)
        if peer is not None and address.ip in self.addresses.get(peer, {}):
            first = self.addresses[peer][address.ip]
            used = {ip for given in self.addresses.values() for ip in given}
            findings.append(
                _finding(
                    "duplicate-address",
                    written,
                    f"address {address.ip} is already on '{self.names[peer]}', the other end of"
                    f" this veth pair (line {first}): the two ends need different addresses",
                    f"地址 {address.ip} 已分给这对 veth 的另一端 '{self.names[peer]}'"
                    f"（第 {first} 行），两端的地址不能相同",
                    _free_address(address, used),
                    replacement=True,
                )
            )
        self.addresses.setdefault(device, {})[address.ip] = line
        return findings

    def _delete_address(self, args: list[str], namespace: str) -> None:
        _, address, device = self._address(args, namespace)
        if address is not None and device is not None:
            self.addresses.get(device, {}).pop(address.ip, None)


def _abbreviates(word: str, full: str, shortest: int) -> bool:
    """``ip`` takes any prefix of an object or verb: ``a``, ``addr``, ``address``."""
    return len(word) >= shortest and full.startswith(word)


def _keyword_values(
    args: list[str], keywords: tuple[str, ...], skipped: frozenset[str], *, bare: str
) -> dict[str, str]:
    """``A netns X`` → {bare: A, netns: X}, passing over the values of ``skipped`` keywords."""
    values: dict[str, str] = {}
    i = 0
    while i < len(args):
        word = args[i]
        if word in keywords and i + 1 < len(args):
            values[word] = args[i + 1]
            i += 1
        elif word in skipped:
            i += 1
        else:
            values.setdefault(bare, word)
        i += 1
    return values


def _link_end(words: list[str], namespace: str) -> tuple[str, str] | None:
    """(namespace, name) of one end in ``ip link add``: ``[name] A [netns X]``."""
    values = _keyword_values(words, ("name", "dev", "netns"), _LINK_VALUED, bare="name")
    name = values.get("name") or values.get("dev")
    return (values.get("netns", namespace), name) if name else None


def _interface(written: str) -> Address | None:
    try:
        return ipaddress.ip_interface(written)
    except ValueError:
        return None


def _free_address(address: Address, used: set[Any]) -> str | None:
    """The next address of the same network that nothing has, as ``ADDRESS/PREFIX``."""
    network = address.network
    size, base = network.num_addresses, int(network.network_address)
    reserved = {network.network_address, network.broadcast_address} if size > 2 else set()
    for step in range(1, min(size, 1 << 16)):
        ip = ipaddress.ip_address(base + (int(address.ip) - base + step) % size)
        if ip not in used and ip not in reserved:
            return f"{ip}/{network.prefixlen}"
    return None


@lru_cache(maxsize=4096)
def _assigns_address(command: str) -> bool:
    network = _Network()
    network.run(command, 0)
    return network.assignments > 0


# --- the notes as a whole -------------------------------------------------------------------------


def lint_passages(
    passages: Iterable[Passage], corpus: Path | None = None
) -> tuple[list[LintItem], int]:
    """Check every command and flag-table entry among ``passages`` (the notes' index).

    Returns the findings, by file then line, and the number of commands checked. ``corpus``
    (the notes' file or folder) lets a command inside a longer code block be placed at its
    own line rather than the block's first.
    """
    files: dict[str, list[Passage]] = {}
    for p in passages:
        files.setdefault(p.source.path, []).append(p)
    read = _reader(corpus)
    items: list[LintItem] = []
    checked = 0
    for path, found in files.items():
        found.sort(key=lambda p: p.source.line)
        commands = [
            (p, _line_of(p, read(path) if p.kind == "code" else None))
            for p in found
            if _runnable(p)
        ]
        checked += len(commands)
        results = check_commands([(line, str(p.command)) for p, line in commands])
        here = [
            LintItem(path, line, str(p.command), f)
            for (p, line), findings in zip(commands, results, strict=True)
            for f in findings
        ]
        here += [
            LintItem(path, p.source.line, " ".join(p.text.splitlines()[0].split()), f)
            for p in found
            if p.kind == "flag"
            for entry in p.flags
            for f in check_flag_entry(entry)
        ]
        items += sorted(here, key=lambda item: item.line)
    return items, checked


def _runnable(p: Passage) -> bool:
    """A command the notes give, rather than a Dockerfile line, or the example of a flag
    passage (a command of another place in the notes)."""
    return (
        p.kind in ("command", "code") and bool(p.command) and not _INSTRUCTION.match(str(p.command))
    )


def _line_of(p: Passage, lines: Sequence[str] | None) -> int:
    """The line of a passage's command: the last of a command passage (its intro comes first);
    in a code block, the first line of the block holding it (block text is trimmed)."""
    if p.kind != "code":
        return p.source.end_line
    for number in range(p.source.line, min(p.source.end_line, len(lines or ())) + 1):
        if str(p.command) in (lines or ())[number - 1]:
            return number
    return p.source.line


def _reader(corpus: Path | None) -> Callable[[str], Sequence[str] | None]:
    """Lines of a notes file by the path sources show, read when first asked for."""
    from qa.notes import decode

    @cache
    def files() -> dict[str, Path]:
        from qa.index import find_notes

        return {note.shown: note.path for note in find_notes(corpus)[0]} if corpus else {}

    @cache
    def read(shown: str) -> Sequence[str] | None:
        path = files().get(shown)
        try:
            return decode(path.read_bytes()).split("\n") if path else None
        except (OSError, ValueError):
            return None

    return read


def answer_warnings(
    p: Passage, lang: str, notes: Callable[[], Iterable[Passage]]
) -> tuple[str, ...]:
    """What is wrong with the command or flag entry an answer shows, one message a finding.

    Messages are in English for ``lang`` "en", else in Chinese. ``notes`` gives every passage;
    it is read only for a command that the ones around it can make wrong (an address given
    to a veth end).
    """
    findings: tuple[Finding, ...] = ()
    if p.command and _runnable(p) and _assigns_address(p.command):
        same_file = sorted(
            (q for q in notes() if q.source.path == p.source.path and _runnable(q)),
            key=lambda q: q.source.line,
        )
        results = check_commands([(_line_of(q, None), str(q.command)) for q in same_file])
        findings = next((r for q, r in zip(same_file, results, strict=True) if q == p), ())
    elif p.command:
        findings = _checked(p.command)
    if p.kind == "flag":
        findings += tuple(f for entry in p.flags for f in check_flag_entry(entry))
    messages = (f.message_en if lang == "en" else f.message_zh for f in findings)
    return tuple(dict.fromkeys(messages))
