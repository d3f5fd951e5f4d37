"""What well-known commands do (data in `qa/data/commands.json`), in the words people ask with.

Notes often keep a bare command line (`docker build -t me/app .`, `ip netns add test1`) with no
word of what it does. The glossary gives such a line the words of its command (`docker build`:
build an image from a Dockerfile, 构建镜像) and of the flags that change what it does
(`tar -x`: extract), indexed as a field of their own (`^` terms), apart from the notes' words.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from qa import shell

MAX_SUBCOMMANDS = 3
_SHORT_RUN = re.compile(r"-([A-Za-z]{2,})")
_FLAG = re.compile(r"--?[A-Za-z]")
_SHELL_SYNTAX = re.compile(r"[\"'`$|;&<>()\\#\n]")  # what needs a shell's reading
# a usage line: `docker run [OPTIONS] IMAGE [COMMAND] [ARG...]`, `git commit [<options>]`
_SYNOPSIS = re.compile(r"(?<![\w$])\[(?:--?)?(?:[A-Z][A-Z_]{2,}|<[a-z-]+>|options|flags|args?)"
                       r"(?:\.\.\.)?\]|\b[A-Z]{3,}\.\.\.")
# arguments a listing gives: `rm $(docker ps -aq)`, `… | xargs rm` (not `cd $(git rev-parse …)`)
_SUBSTITUTION = re.compile(r"\S\s+\$\(([^()]+)\)")
_XARGS = re.compile(r"\|\s*xargs\b")
# a port as commands give one: `host:5432`, `port 3306`, `-p 6379`, `--port=27017`
_PORT = re.compile(r"(?::|\bport[ =]|(?<=\s)-[pP] ?|--port[ =])(\d{2,5})(?![\d.])")
# ... and as the port argument of a program that takes a host, then a port (`nc -zv db 3306`)
_PORT_ARGUMENT = re.compile(r"\b(?:nc|ncat|netcat|telnet)\s(?:[^|;&]*\s)?[\w.-]+\s(\d{2,5})\b")
_LISTING = re.compile(r"\b(?:list|find|search|only show)\b|列出|查找")
_SUBCOMMAND = re.compile(r"[a-z][a-z0-9-]*")
_TWO_FORMS = {"cmd", "entrypoint", "run"}  # instructions written as a JSON array or a string


@dataclass(frozen=True)
class _Glossary:
    words: dict[str, str]  # key -> its words, English and Chinese
    forms: dict[str, str]  # a line's shape -> its words (synopsis, exec and shell form)
    arguments: dict[str, dict[str, str]]  # key -> an argument that says what it does -> words
    packages: dict[str, list[str]]  # a package -> the programs it installs (bridge-utils: brctl)
    subcommands: dict[str, list[str]]  # `docker` -> [`ps`, `run`, …]: the words that follow
    programs: frozenset[str]
    ports: dict[str, str]  # a well-known port -> what listens there (5432: postgres)
    meanings: dict[str, tuple[str, str]]  # key -> its words, (English, Chinese)


RULES = 2  # bump when what `describe` makes of the same data changes


@lru_cache(maxsize=1)
def _raw() -> bytes:
    return resources.files("qa.data").joinpath("commands.json").read_bytes()


@lru_cache(maxsize=1)
def _data() -> _Glossary:
    data = json.loads(_raw())
    meanings = {" ".join(k.split()): (v["en"], v["zh"]) for k, v in data["commands"].items()}
    words = {k: f"{en} {zh}" for k, (en, zh) in meanings.items()}
    forms = {k: f"{v['en']} {v['zh']}" for k, v in data.get("forms", {}).items()}
    subcommands: dict[str, list[str]] = {}
    for key in words:
        *head, last = key.split()
        if head and not last.startswith("-"):
            subcommands.setdefault(" ".join(head), []).append(last)
    programs = frozenset(k.split()[0] for k in words if not k.startswith("dockerfile "))
    arguments = {" ".join(k.split()): {a: f"{v['en']} {v['zh']}" for a, v in by.items()}
                 for k, by in data.get("arguments", {}).items()}
    ports = {k: f"{v['en']} {v['zh']}".strip() for k, v in data.get("ports", {}).items()}
    return _Glossary(words, forms, arguments, data.get("packages", {}), subcommands, programs,
                     ports, meanings)


@lru_cache(maxsize=1)
def digest() -> str:
    """Changes whenever the glossary does, its data or how they are read (`RULES`): an index
    built with another glossary is rebuilt. (Every question checks it: the bytes are hashed,
    not parsed.)"""
    return hashlib.sha256(_raw() + f"rules {RULES}".encode()).hexdigest()[:16]


def programs() -> frozenset[str]:
    """Every program the glossary knows (docker, git, mysql, …)."""
    return _data().programs


def flag_meaning(family: str | None, flag: str) -> tuple[str, str] | None:
    """What the glossary says a flag of a command does, (English, Chinese): `docker ps -a`:
    all containers, including stopped ones."""
    return _data().meanings.get(f"{family} {flag}") if family else None


def knows_command(family: str) -> bool:
    """Is this a command of a program the glossary knows, subcommands and all (`docker
    stats`, `git stash`; not `docker to`)?"""
    *head, last = family.split()
    return bool(head) and last in _data().subcommands.get(" ".join(head), ())


@lru_cache(maxsize=1)
def subcommand_words() -> frozenset[str]:
    """The words that follow a program in the commands the glossary knows (up, down, logs,
    install): one of these leading a piece of code names a part of a command."""
    return frozenset(w for words in _data().subcommands.values() for w in words)


@lru_cache(maxsize=1)
def tools() -> frozenset[str]:
    """The names of tools a question may ask about: programs, and the packages that bring
    them (fail2ban, sysstat)."""
    return _data().programs | frozenset(_data().packages)


def all_words() -> str:
    """Every word the glossary may add to a passage."""
    g = _data()
    return " ".join([*g.words.values(), *g.forms.values(),
                     *(w for by in g.arguments.values() for w in by.values()),
                     "provides 提供", *(p for ps in g.packages.values() for p in ps)])


@lru_cache(maxsize=4096)  # notes repeat their commands
def describe(command: str, *, dockerfile: bool = False) -> str:
    """The glossary's words for every command of a line (`$(...)` inside it included), or for
    a Dockerfile instruction (`dockerfile cmd` for `CMD ["python", "app.py"]`)."""
    g = _data()
    if dockerfile:
        instruction, _, args = command.partition(" ")
        known = g.words.get(f"dockerfile {instruction.lower()}", "")
        out = [f"Dockerfile {known}" if known else ""]  # (an instruction of a Dockerfile)
        if instruction.lower() in _TWO_FORMS and args.strip():
            out.append(g.forms.get("exec" if args.lstrip().startswith("[") else "shell", ""))
        return " ".join(w for w in out if w)
    out = []
    _describe(command, out, depth=0)
    cron = _CRON.match(command)
    if cron and (cron.end() < len(command) or "*" in command):
        # `0 2 * * * backup.sh`: when it runs, then what it runs; `*/5 * * * *` alone: when
        out.append(schedule(*cron.group(1, 2, 3, 4, 5)))
        _describe(command[cron.end():], out, depth=0)
    if _SYNOPSIS.search(command):
        out.append(g.forms.get("synopsis", ""))
    # a well-known port says what is reached (`ssh -L 15432:db:5432`: postgres)
    ports = _PORT.findall(command) + _PORT_ARGUMENT.findall(command)
    out += [g.ports[p] for p in ports if p in g.ports]
    if _XARGS.search(command) or any(_LISTING.search(describe(m.group(1))) for m in
                                     _SUBSTITUTION.finditer(command)):
        out.append(g.forms.get("batch", ""))  # `docker rm $(docker ps -aq)`, `… | xargs rm`
    return " ".join(dict.fromkeys(w for w in out if w))


_CRON = re.compile(r"([\d*/,-]+)\s+([\d*/,-]+)\s+([\d*/,-]+)\s+([\d*/,-]+|[a-z]{3})\s+"
                   r"([\d*/,-]+|[a-z]{3}(?:-[a-z]{3})?)(?:\s+(?=\S)|\s*$)", re.I)
_NUMERALS = "零一二三四五六七八九十"


def _numeral(n: int) -> str:
    """2 -> 两, 9 -> 九, 12 -> 十二, 30 -> 三十 (how a Chinese question says an hour or a day)."""
    if n == 2:
        return "两"
    if n <= 10:
        return _NUMERALS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[ones] if ones else "")


_NUMBER_RUN = re.compile(r"^[零一二两三四五六七八九十百]+")
# what a number of these is written as in commands (`--vacuum-time=7d`, `sleep 5m`)
_UNIT_LETTER = {"天": "d", "日": "d", "小时": "h", "钟头": "h", "分钟": "m", "秒": "s", "周": "w",
                "星期": "w", "个月": "", "月": "", "年": "", "点": ""}


def chinese_number(word: str) -> tuple[int, str] | None:
    """七天 -> (7, 天), 十二点 -> (12, 点), 两个 -> (2, 个): the number a word starts with,
    written in Chinese numerals, and what follows it; None when it starts with none."""
    m = _NUMBER_RUN.match(word)
    if not m:
        return None
    total = digit = 0
    for ch in m.group(0):
        if ch == "十":
            total, digit = total + (digit or 1) * 10, 0
        elif ch == "百":
            total, digit = total + (digit or 1) * 100, 0
        else:
            digit = 2 if ch == "两" else _NUMERALS.index(ch)
    return total + digit, word[m.end():]


def number_forms(word: str) -> list[str]:
    """How the notes may write a span of time a question says in Chinese: 七天 -> 7, 7d;
    五分钟 -> 5, 5m; 两点 -> 2. Other counts are words (两个分支, 二分查找, 一次)."""
    found = chinese_number(word)
    if not found or found[0] < 2 or found[1] not in _UNIT_LETTER:
        return []
    n, unit = found
    return [str(n)] + ([f"{n}{_UNIT_LETTER[unit]}"] if _UNIT_LETTER[unit] else [])


def schedule(minute: str, hour: str, day: str, month: str, weekday: str) -> str:
    """What a crontab schedule says, in the words a question uses (每天 凌晨 两点, weekdays)."""
    words = ["cron scheduled job 定时任务 计划任务"]
    if minute.startswith("*/"):
        n = minute[2:]
        words.append(f"every {n} minutes 每{n}分钟 每隔{n}分钟"
                      + (f" 每{_numeral(int(n))}分钟 每隔{_numeral(int(n))}分钟" if n.isdigit()
                         and int(n) <= 60 else ""))
    elif hour == "*":
        words.append("every hour hourly 每小时")
    if hour.isdigit() and minute.isdigit():
        h = int(hour)
        part = ("半夜 凌晨 night" if h < 6 else "早上 上午 morning" if h < 12
                else "下午 afternoon" if h < 18 else "晚上 evening")
        words.append(f"at {h} {part} {h}点 {_numeral(h % 12 or 12)}点")
    if day == "*" and month == "*" and weekday in ("*", "?"):
        words.append("every day daily 每天 每日")
    elif weekday in ("1-5", "mon-fri", "MON-FRI"):
        words.append("weekdays monday to friday 工作日 周一到周五")
    elif weekday not in ("*", "?"):
        words.append("weekly every week 每周")
    elif day.isdigit():
        words.append(f"monthly every month 每月 每月{day}号")
    return " ".join(words)


@lru_cache(maxsize=4096)
def actions(command: str) -> tuple[str, ...]:
    """What each command of a line does, by its program and subcommands alone: no flag,
    nothing it runs inside (`docker rmi $(docker image ls -q)`: remove images)."""
    g = _data()
    keys = (next((k for k in command_keys(_spelled(words, g)) if k in g.words), None)
            for words, _ in _commands(command) if words)
    return tuple(g.words[k] for k in keys if k)


def _commands(line: str) -> list[tuple[list[str], Any]]:
    """The commands of a line (pipes, `&&`…), each as its words from the program on, and the
    substitutions it holds (`$(…)`)."""
    if _SHELL_SYNTAX.search(line):
        commands = [(shell.words(c.restore(c.text, " "), ("", '"', "'")), c.substitutions)
                    for c in shell.split_commands(line.replace("\\\n", " "), script=True)]
    else:  # most lines: words and spaces only, read as such (a shell's reading costs more)
        commands = [(line.split(), ())]
    return [(words[shell.program_at(words):], subs) for words, subs in commands]


def _describe(line: str, out: list[str], depth: int) -> None:
    for words, substitutions in _commands(line):
        if words:
            _describe_words(words, out, nested=True)
        if depth < 2:
            for sub in substitutions:
                _describe(sub.body, out, depth + 1)


def _describe_words(words: list[str], out: list[str], nested: bool) -> None:
    g = _data()
    words = _spelled(words, g)
    commands = command_keys(words)
    key = next((k for k in commands if k in g.words), None)
    # an argument may say what the command does (`ip link set veth0 up`, `chmod 600 key`)
    telling = g.arguments.get(key, {}) if key else {}
    said = [telling[w] for w in words[1:] if w in telling]
    out += said or ([g.words[key]] if key else [])
    if key and g.words[key].startswith("install"):  # `yum install bridge-utils`: brctl
        out += [f"provides {' '.join(g.packages[w])} 提供 {' '.join(g.packages[w])}"
                for w in words[2:] if w in g.packages]
    for flag, value in _flag_values(words).items():
        # `find -name` is one flag when the glossary knows it so; `ls -la` is -l and -a
        whole = [f"{c} {flag}" for c in commands if f"{c} {flag}" in g.words][:1]
        run = _SHORT_RUN.fullmatch(flag)
        for f in whole or ([f"-{c}" for c in run.group(1)] if run else [flag]):
            # the shape of a flag's value may say what it does (`-v /data` a new volume,
            # `-v /opt/app:/data` a host directory)
            out += [g.arguments.get(k, {}).get(_shape(value), g.words[k])
                    for k in (whole or [f"{c} {f}" for c in commands]) if k in g.words][:1]
    if nested:
        # a command run by another (`ip netns exec test1 ip a`, `docker exec web ip a`)
        inner = next((j for j in range(2, len(words)) if words[j] in g.subcommands), None)
        if inner is not None:
            _describe_words(words[inner:], out, nested=False)


def _flag_values(words: list[str]) -> dict[str, str]:
    """Each flag of a command with the value it is given (`--name=web`, `-v /data`; "" when
    a flag follows)."""
    out: dict[str, str] = {}
    for i, w in enumerate(words[1:], 1):
        if _FLAG.match(w):
            name, eq, value = w.partition("=")
            if not eq and i + 1 < len(words) and not words[i + 1].startswith("-"):
                value = words[i + 1]
            out.setdefault(name, value)
    return out


_PATH = re.compile(r"[/~.$]|.*/")
_NAME = re.compile(r"[A-Za-z_][\w.-]*")


def _shape(value: str) -> str:
    """What a flag's value is made of, as the glossary keys it: `/opt/app:/data` is
    `<path>:<path>`, `mysql:/var/lib/mysql` `<name>:<path>`, `8080:80` `<number>:<number>`."""
    return ":".join("<path>" if _PATH.match(part) else "<number>" if part.isdigit()
                    else "<name>" if _NAME.fullmatch(part) else "?"
                    for part in value.split(":")[:2]) if value else ""


def _spelled(words: list[str], g: _Glossary) -> list[str]:
    """The words with a misspelt subcommand put right (`docker exe` -> `docker exec`): notes
    keep typos, and what the command is for is still known."""
    known = g.subcommands.get(shell.program_name(words[0]).lower())
    if not known or len(words) < 2 or words[1] in known or len(words[1]) < 3 \
            or not words[1].isalpha():
        return words
    close = difflib.get_close_matches(words[1], known, n=1, cutoff=0.8)
    return [words[0], close[0], *words[2:]] if close else words


def command_keys(words: list[str]) -> list[str]:
    """Keys a command may match, the most specific first: `docker network create x` ->
    `docker network create x`, `docker network create`, `docker network`, `docker`."""
    path = [shell.program_name(words[0]).lower()]
    for w in words[1:1 + MAX_SUBCOMMANDS]:
        if not _SUBCOMMAND.fullmatch(w):
            break
        path.append(w)
    return [" ".join(path[:n]) for n in range(len(path), 0, -1)]
