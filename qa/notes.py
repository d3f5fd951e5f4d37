"""Markdown notes -> focused `Passage` records (one command, flag, paragraph or block each)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qa.model import FlagEntry, Passage, Source

# Programs whose name at the start of a line makes that line a command.
PROGRAMS = frozenset("""
docker docker-compose docker-machine podman kubectl helm minikube git svn hg ip ifconfig route
brctl iptables nft ss netstat ping curl wget ssh scp sftp rsync telnet nc dig nslookup
yum dnf apt apt-get apt-cache dpkg rpm apk brew snap pip pip3 python python3 npm npx node yarn
pnpm go cargo rustc java javac mvn gradle make cmake gcc g++ sudo su systemctl service journalctl
ls cd cp mv rm mkdir rmdir touch cat less more head tail tee grep egrep fgrep rg find locate xargs
sed awk sort uniq wc cut tr diff patch tar zip unzip gzip gunzip bzip2 xz chmod chown chgrp ln
ps top htop kill killall pkill pgrep nohup df du free mount umount lsblk fdisk mkfs uname whoami
id useradd usermod userdel groupadd passwd crontab at watch echo printf export source env alias
history vim vi nano emacs code open xdg-open tmux screen systemd-analyze hostnamectl timedatectl
openssl gpg ssh-keygen ssh-copy-id nginx apachectl mysql mysqldump psql pg_dump redis-cli mongo
sqlite3 virtualenv conda jupyter pytest ruff mypy black flake8 vagrant terraform ansible
ansible-playbook aws gcloud az lsof strace ldd stat whereis
""".split())
# Program names that are also everyday English words: a line starting with one is a command
# only when it does not read like a sentence.
_WORDLIKE = frozenset("""make time date file type which at more less open code watch history
source env id top free cut sort find kill touch cat head tail echo export alias mount host
service go node screen locate test go""".split())

# Regexes here run on lines of any length: none may backtrack over a run of characters more than
# once (no lazy group followed by optional whitespace, no two quantifiers able to share a run).
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+((?:.*[^\s#])?)[\s#]*$")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+.-]*)")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*(?:\|\s*)?:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*(?:\|\s*)?$")
_INLINE_CODE_LINE = re.compile(r"^\s*`([^`]+)`\s*(?:[。.]\s*)?$")
_PROMPT = re.compile(r"^\s*[$#]\s+(?=\S)")
_FLAG_NAME = r"-{1,2}[A-Za-z0-9][A-Za-z0-9_-]*"
# A default value never swallows `, -x` (the next flag name): that ambiguity was exponential.
_FLAG_VALUE = rf"(?:[^\s,]|,(?!\s*{_FLAG_NAME}))"
# `-m, --memory=""   指定容器的内存上限`: names, optional default, then the description.
_FLAG_LINE = re.compile(
    rf"^(?P<indent>\s*)(?P<names>{_FLAG_NAME}"
    rf"(?:[= ](?P<val1>\"[^\"]*\"|\[[^\]]*\]|<[^>]*>|{_FLAG_VALUE}+?))?"
    rf"(?:,\s*{_FLAG_NAME}(?:=(?P<val2>\"[^\"]*\"|\[[^\]]*\]|{_FLAG_VALUE}+))?)*)"
    r"(?:\s{2,}|\t+|\s+(?=[\u3400-\u9fff]))(?P<desc>\S(?:.*\S)?)\s*$")
_COMMENT = re.compile(r"(?:^|\s+|(?<=[\w)\]\"'])(?=#\s*[^\s!/]))#(?![!{])\s*(?P<c>.*)$")
_INTRO_END = re.compile(r"[：:]\s*$")
_DESC_THEN_CMD = re.compile(r"^(?P<desc>[^`：:]{0,59}?[^`：:\s])\s*[：:]\s*(?P<cmd>\S.*)$")
_CJK = re.compile(r"[\u3400-\u9fff]")
# A table cell listing flags (`-p, --publish`, `-v /a:/b`): a value never swallows a separator
# run that is followed by the next flag name (that ambiguity was exponential).
_CELL_VALUE = rf"(?:[^\s,/]|[,/]+(?![,/\s]|{_FLAG_NAME}))"
_FLAG_CELL = re.compile(rf"\s*(?:{_FLAG_NAME}(?![\w-])"
                        rf"(?:\s(?!{_FLAG_NAME}){_CELL_VALUE}+|{_CELL_VALUE}*)(?:[,/\s]+|$))+")
_PROSE_FLAG = re.compile(
    rf"(?<![\w-])(?P<flag>{_FLAG_NAME})\s*(?:[（(][^）)]{{0,8}}[）)]\s*)?(?:参数\s*)?(?:[，,]\s*)?"
    r"(?:是|表示|为|用于|用来|指|意思是|代表|可以)\s*(?P<desc>[^，。,;；\n]{2,60})")
_SHELL_LANGS = ("bash", "sh", "shell", "console", "zsh", "shell-session", "fish", "powershell")
_SHELL_COMMENT = re.compile(r"^\s*#+\s*(\S.*)$")
_DOCKERFILE_LINE = re.compile(
    r"^\s*(?:FROM|RUN|CMD|ENTRYPOINT|COPY|ADD|WORKDIR|EXPOSE|ENV|LABEL|ARG|VOLUME|USER|"
    r"HEALTHCHECK|ONBUILD|STOPSIGNAL|SHELL|MAINTAINER)\s+\S")
DOCKERFILE = "Dockerfile"
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s")
# Subcommands that take a further verb: `docker network create`, `ip netns exec`.
_GROUPS = frozenset("""container image network volume system builder plugin node service stack
swarm secret config context trust manifest buildx compose netns link addr address route remote
stash submodule worktree""".split())
MAX_PROSE = 300
PARSER_VERSION = 11  # bump when the passages made of the same notes change


@dataclass
class Document:
    """One parsed notes file."""

    path: str
    title: str
    passages: list[Passage] = field(default_factory=list)


_CONTROL_BYTES = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_ASCII_TEXT = re.compile("[\t\n\r -~]")


def decode(data: bytes) -> str:
    """Bytes of a notes file -> text: UTF-8 (with or without BOM), UTF-16 with a BOM, else
    GB18030. Raises ValueError for binary files and text in none of these."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValueError("not UTF-16 text") from None
        # Markdown has ASCII (newlines, marks, commands); bytes that only look like a BOM don't
        if text and len(_ASCII_TEXT.findall(text)) * 8 < len(text):
            raise ValueError("not UTF-16 text")
    elif b"\x00" in data[:8192]:
        raise ValueError("binary file")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _damaged_utf8(data) or _gb18030(data)
    sample = text[:65536]
    if len(_CONTROL_BYTES.findall(sample)) > 8 + len(sample) // 50:
        raise ValueError("binary file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 with a stray bad byte (a character cut in two) stays UTF-8, its bad bytes U+FFFD:
    read as GB18030 it would become mojibake. GBK text fails as UTF-8 on most characters."""
    text = data.decode("utf-8-sig", "replace")
    bad = text.count("\ufffd")
    other = len(text) - len(text.encode("ascii", "ignore")) - bad
    return text if bad <= max(1, other // 20) else None


def _gb18030(data: bytes) -> str:
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8, UTF-16 or GB18030 text") from None


@functools.lru_cache(maxsize=1 << 14)  # linking asks it of each command line several times
def command_family(command: str) -> str | None:
    """`docker run -d nginx` -> `docker run`; `docker network create x` -> the three words."""
    words = re.findall(r"[^\s|;&]+", command)
    while words and words[0] in ("sudo", "$"):
        words.pop(0)
    if not words or words[0] not in PROGRAMS and not re.fullmatch(r"[a-z][\w.-]*", words[0]):
        return None
    family = [words[0]]
    for w in words[1:3]:
        m = re.match(r"[a-z][a-z0-9-]*", w)
        if not m or m.group(0) != w and not _CJK.match(w[m.end():m.end() + 1]):
            break
        family.append(m.group(0))
        if m.group(0) not in _GROUPS or m.group(0) != w:
            break
    return " ".join(family)


def looks_like_command(line: str) -> bool:
    """Does this line start with something runnable (a known program, or a word then flags)?"""
    s = _PROMPT.sub("", line.strip())
    words = s.split()
    if not words:
        return False
    first, second = words[0], words[1] if len(words) > 1 else ""
    if _CJK.search(second) and not second.startswith(("{{", "<", "$", "-", "/", ".")):
        return False  # `docker 是一个...`, `docker run的相关参数`
    if first in _WORDLIKE:
        # `make sure the port is free.` is prose; `make install` is not
        code = _strip_comment(s)[0].split()
        return 2 <= len(code) <= 12 and not re.search(r"[.!?]$|,\s", s)
    if first in PROGRAMS:
        return True
    return bool(re.fullmatch(r"[a-z][a-z0-9_.-]*", first)) and bool(
        re.search(r"\s--?[A-Za-z]", s)) and not _CJK.search(_strip_comment(s)[0])


def _strip_comment(line: str) -> tuple[str, str]:
    """`docker ps -l # 查看最后一个容器` -> (`docker ps -l`, `查看最后一个容器`)."""
    in_quote = ""
    depth = 0
    for i, ch in enumerate(line):
        if in_quote:
            if ch == in_quote:
                in_quote = ""
        elif ch in "\"'":
            in_quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "#" and depth == 0:
            before = line[i - 1] if i else " "
            after = line[i + 1:i + 2]
            # `# 注释`, `#注释`, `cmd# 注释`; not `#!`, `#{`, a URL fragment or `#1`
            if before.isspace() or after.isspace() or _CJK.match(after or "a"):
                return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def _clean_command(cmd: str) -> str:
    return _PROMPT.sub("", cmd).strip()


def parse_flag_line(line: str, family: str | None) -> FlagEntry | None:
    """A flag-table line -> FlagEntry, or None when the line is not one."""
    m = _FLAG_LINE.match(line)
    if not m:
        return None
    names = re.findall(rf"(?:^|,\s*)({_FLAG_NAME})", m.group("names"))
    short = next((n for n in names if not n.startswith("--")), None)
    long = next((n for n in names if n.startswith("--")), None)
    default = m.group("val2") or m.group("val1")
    return FlagEntry(short, long, default, m.group("desc").strip(), family)


def _table_cells(line: str) -> list[str]:
    return [c.replace("`", "").strip() for c in line.strip().strip("|").split("|")]


class _Parser:
    """A single pass over the lines of one file, emitting passages as shapes are recognised."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.split("\n")
        self.title = ""
        self.headings: list[tuple[int, str]] = []
        self.out: list[Passage] = []
        self.intro: tuple[str, int] | None = None  # a line ending in a colon, waiting for commands
        self.pending: list[tuple[str, int]] = []  # commands waiting for their group to end
        self.paragraph: list[tuple[str, int]] = []
        self.last_family: str | None = None
        self.table_family: str | None = None

    # --- sections -----------------------------------------------------------------------
    @property
    def section(self) -> str:
        top_is_title = not self.headings or self.headings[0][0] > 1
        names = [self.title] if self.title and top_is_title else []
        return " > ".join(names + [h for _, h in self.headings])

    def _heading(self, level: int, text: str) -> None:
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, text))

    # --- emitting -----------------------------------------------------------------------
    def _emit(self, kind: str, text: str, line: int, end: int, command: str | None = None,
              description: str = "", context: str = "",
              flags: tuple[FlagEntry, ...] = ()) -> None:
        if not text.strip():
            return  # an empty fence or a lone `:` is nothing to answer with
        self.out.append(Passage(kind, text.strip(), command, description.strip(), self.section,
                                Source(self.path, line, end), context.strip(), flags))

    def _flush_paragraph(self) -> None:
        if not self.paragraph:
            return
        lines, self.paragraph = self.paragraph, []
        start = lines[0][1]
        chunk: list[str] = []
        chunk_start = start
        for text, no in lines:
            for piece in _sentences(text):
                if chunk and len("".join(chunk)) + len(piece) > MAX_PROSE:
                    self._emit_prose("".join(chunk), chunk_start, no)
                    chunk, chunk_start = [], no
                chunk.append(piece)
            if chunk and text is not lines[-1][0]:
                chunk.append("\n")
        if chunk:
            self._emit_prose("".join(chunk), chunk_start, lines[-1][1])

    def _emit_prose(self, text: str, line: int, end: int) -> None:
        flags = tuple(self._prose_flags(text))
        self._emit("prose", text, line, end, flags=flags)

    def _prose_flags(self, text: str) -> Iterator[FlagEntry]:
        """`-m参数是添加注释` -> a flag entry of the command the notes were just talking about."""
        for m in _PROSE_FLAG.finditer(text.replace("`", "")):
            name = m.group("flag")
            family = self._family_using(name) or self.last_family
            long = name if name.startswith("--") else None
            yield FlagEntry(None if long else name, long, None, m.group("desc").strip(), family)

    def _family_using(self, flag: str) -> str | None:
        for p in reversed(self.out[-8:]):
            if p.kind == "command" and p.command and re.search(
                    rf"(?<!\S){re.escape(flag)}(?![\w-])", p.command):
                return command_family(p.command)
        return None

    def _flush_commands(self) -> None:
        if not self.pending:
            return
        group, self.pending = self.pending, []
        intro = self.intro
        self.intro = None
        lead = self._lead_in()
        for raw, no in group:
            cmd, comment = _strip_comment(raw)
            cmd = _clean_command(cmd)
            if not cmd:
                continue
            description, context, text, start = comment, lead, raw.strip(), no
            if intro and not comment and len(group) == 1:
                description, text, start = intro[0], f"{intro[0]}\n{raw.strip()}", intro[1]
            elif intro:
                context = intro[0]
            kind = "code" if _DOCKERFILE_LINE.match(cmd) else "command"
            if kind == "code" and not description:
                description = DOCKERFILE  # what an instruction line is, said in words
            if kind == "command":
                self.last_family = command_family(cmd) or self.last_family
            self._emit(kind, text, start, no, cmd, description, context,
                       tuple(self._prose_flags(description)))

    def _lead_in(self) -> str:
        """The paragraph just before a run of commands, in the same section: their context."""
        if self.out and self.out[-1].kind == "prose" and self.out[-1].section == self.section:
            return self.out[-1].text[:MAX_PROSE]
        return ""

    def _command(self, raw: str, no: int) -> None:
        self._flush_paragraph()
        self.pending.append((raw, no))

    def _prose(self, text: str, no: int) -> None:
        self._flush_commands()
        self._drop_intro()
        stripped = text.strip()
        if _INTRO_END.search(stripped):
            self._flush_paragraph()
            self.intro = (re.sub(r"[：:]\s*$", "", stripped), no)
            return
        self.paragraph.append((stripped, no))

    def _drop_intro(self) -> None:
        """An introducing line that no command took is prose of its own."""
        if self.intro:
            text, no = self.intro
            self.intro = None
            self._flush_paragraph()
            self._emit_prose(text, no, no)

    def _break(self) -> None:
        self._flush_commands()
        self._flush_paragraph()

    # --- blocks -------------------------------------------------------------------------
    def _code_block(self, body: list[tuple[str, int]], lang: str) -> None:
        """A fenced or indented block: flag table, commands, or one code passage."""
        self._flush_paragraph()
        family = None
        usage: tuple[str, str, int] | None = None  # `Usage: docker run [OPTIONS] IMAGE`
        for text, no in body:
            m = re.match(r"\s*(?:usage|用法)\s*[:：]\s*(.+)", text, re.I)
            if m:
                family = command_family(m.group(1))
                usage = (text.strip(), m.group(1).strip(), no)
        if family is None and self.intro:
            family = family_in_text(self.intro[0])
        flag_lines = sum(1 for t, _ in body if parse_flag_line(t, None))
        if flag_lines >= 2 and flag_lines * 2 >= sum(1 for t, _ in body if t.strip()):
            intro, self.intro = self.intro, None
            if usage:  # the synopsis of the command the table describes
                self._emit("code", usage[0], usage[2], usage[2], usage[1],
                           intro[0] if intro else "", family or "")
            self._flag_table(body, family)
            return
        if self._line_wise(body, lang):
            return
        self._flush_commands()
        if not body:
            return
        text = "\n".join(t for t, _ in body)
        intro = self.intro
        self.intro = None
        start = intro[1] if intro else body[0][1]
        shown = f"{intro[0]}\n{text}" if intro else text
        first = next((t for t, _ in body if looks_like_command(t)), None)
        self._emit("code", shown, start, body[-1][1],
                   _clean_command(_strip_comment(first)[0]) if first else None,
                   intro[0] if intro else "")

    def _line_wise(self, body: list[tuple[str, int]], lang: str) -> bool:
        """A block of commands (shell comments describing them) or Dockerfile instructions:
        one passage a line. Returns False when the block is something else (code, output)."""
        shell = lang.lower() in _SHELL_LANGS
        if not shell and lang.lower() not in ("", "dockerfile", "docker", "text", "txt"):
            return False
        lines = [(t, n) for t, n in _join_continuations(body) if t.strip()]
        items: list[tuple[str, int, str]] = []  # (line, number, kind: '#', 'command' or 'code')
        for t, n in lines:
            if _SHELL_COMMENT.match(t) and (shell or not lang):
                items.append((t, n, "#"))
            elif looks_like_command(t) or shell and not _CJK.search(_strip_comment(t)[0]):
                items.append((t, n, "command"))
            elif _DOCKERFILE_LINE.match(t):
                items.append((t, n, "code"))
            else:
                return False
        if not any(kind != "#" for _, _, kind in items):
            return False
        self._flush_commands()
        intro = self.intro
        self.intro = None
        lead = intro[0] if intro else self._lead_in()
        runnable = [i for i in items if i[2] != "#"]
        described: str = ""
        for t, n, kind in items:
            if kind == "#":
                described = _SHELL_COMMENT.match(t).group(1).strip()  # type: ignore[union-attr]
                continue
            cmd, comment = _strip_comment(t) if kind == "command" else (t.strip(), "")
            description, context, text, start = comment or described, lead, t.strip(), n
            if not description and intro and len(runnable) == 1:
                description, context, start = intro[0], "", intro[1]
                text = f"{intro[0]}\n{t.strip()}"
            cmd = _clean_command(cmd)
            if not cmd:
                continue
            if kind == "code" and not description:
                description = DOCKERFILE
            if kind == "command":
                self.last_family = command_family(cmd) or self.last_family
            self._emit(kind, text, start, n, cmd, description, context,
                       tuple(self._prose_flags(description)))
            described = ""
        return True

    def _flag_table(self, body: list[tuple[str, int]], family: str | None) -> None:
        current: tuple[FlagEntry, list[str], int, int, int] | None = None

        def flush() -> None:
            if current:
                entry, lines, start, end, _ = current
                extra = [ln.strip() for ln in lines[1:]]
                if extra:
                    entry = FlagEntry(entry.short, entry.long, entry.default,
                                      entry.description + "\n" + "\n".join(extra), entry.command)
                self._emit("flag", "\n".join(ln.rstrip() for ln in lines).strip(), start, end,
                           None, entry.description, family or "", (entry,))

        for text, no in body:
            entry = parse_flag_line(text, family)
            indent = len(text) - len(text.lstrip())
            if entry:
                flush()
                current = (entry, [text], no, no, indent)
            elif current and text.strip() and indent > current[4] + 2:
                current = (current[0], current[1] + [text], current[2], no, current[4])
            elif text.strip():
                flush()
                current = None
        flush()

    def _md_table(self, rows: list[tuple[str, int]]) -> None:
        """A Markdown table: flag rows become flag entries, command rows commands, others prose."""
        self._break()
        cells = [(_table_cells(t), n) for t, n in rows if not _TABLE_RULE.match(t)]
        if not cells:
            return
        header = cells[0][0] if len(rows) > 1 and _TABLE_RULE.match(rows[1][0]) else None
        body = cells[1:] if header else cells
        family = family_in_text(self.intro[0]) if self.intro else None
        family = family or family_in_text(self.section) or self.last_family
        self.intro = None
        for row, no in body:
            first = row[0] if row else ""
            rest = " ".join(c for c in row[1:] if c)
            names = re.findall(_FLAG_NAME, first)
            if names and _FLAG_CELL.fullmatch(first):
                short = next((n for n in names if not n.startswith("--")), None)
                long = next((n for n in names if n.startswith("--")), None)
                entry = FlagEntry(short, long, None, rest, family)
                self._emit("flag", " | ".join(row), no, no, None, rest, family or "", (entry,))
            elif looks_like_command(first):
                cmd, comment = _strip_comment(first)
                self._emit("command", " | ".join(row), no, no, _clean_command(cmd), rest or comment)
            else:
                self._emit("prose", " | ".join(row), no, no, description=rest)

    # --- the walk -----------------------------------------------------------------------
    def run(self) -> list[Passage]:
        lines = self.lines
        i = self._front_matter()
        n = len(lines)
        while i < n:
            line = lines[i]
            no = i + 1
            stripped = line.strip()
            fence = _FENCE.match(line)
            if fence:
                marker = fence.group(2)
                body = []
                j = i + 1
                while j < n and not lines[j].strip().startswith(marker):
                    body.append((lines[j].rstrip(), j + 1))
                    j += 1
                self._code_block(body, fence.group(3))
                i = j + 1
                continue
            if not stripped:
                self._flush_paragraph()
                i += 1
                continue
            heading = _HEADING.match(line)
            if heading:
                self._break()
                self._drop_intro()
                self._heading(len(heading.group(1)), heading.group(2))
                i += 1
                continue
            if line.startswith(("    ", "\t")) and not self.paragraph and not self.pending \
                    and (i == 0 or not lines[i - 1].strip()) and not _LIST.match(line):
                j = i
                body = []
                while j < n and (lines[j].startswith(("    ", "\t")) or not lines[j].strip()):
                    raw = lines[j]
                    body.append((raw[4:] if raw.startswith("    ") else raw[1:], j + 1))
                    j += 1
                while body and not body[-1][0].strip():
                    body.pop()
                if any(parse_flag_line(t, None) for t, _ in body[:1]) or all(
                        looks_like_command(t) or not t.strip() for t, _ in body):
                    self._code_block(body, "")
                    i = j
                    continue
            if _TABLE_ROW.match(line):
                j = i
                while j < n and _TABLE_ROW.match(lines[j]):
                    j += 1
                self._md_table([(lines[k], k + 1) for k in range(i, j)])
                i = j
                continue
            self._line(line, no)
            i += 1
        self._break()
        self._drop_intro()
        return self.out

    def _line(self, line: str, no: int) -> None:
        text = line.strip()
        item = _LIST.match(line)
        if item:
            text = item.group(1).strip()
        quote = _QUOTE.match(text)
        if quote:
            text = quote.group(1).strip()
            if not text:
                return
        code = _INLINE_CODE_LINE.match(text)
        if code:
            self._command(code.group(1), no)
            return
        if looks_like_command(text) or _DOCKERFILE_LINE.match(text):
            self._command(text, no)
            return
        if self.table_family or parse_flag_line(line, None) and line.lstrip().startswith("-") \
                and not item:
            entry = parse_flag_line(line, self.last_family)
            if entry:
                self._flush_commands()
                self._flush_paragraph()
                self._emit("flag", text, no, no, None, entry.description,
                           self.last_family or "", (entry,))
                return
        m = _DESC_THEN_CMD.match(text)
        if m and looks_like_command(m.group("cmd").strip("`")):
            self._flush_commands()
            self._flush_paragraph()
            cmd, comment = _strip_comment(m.group("cmd").strip("`"))
            self.last_family = command_family(cmd) or self.last_family
            self._emit("command", text, no, no, _clean_command(cmd),
                       comment or m.group("desc"), self.intro[0] if self.intro else "",
                       tuple(self._prose_flags(comment)))
            self.intro = None
            return
        self._prose(text, no)

    def _front_matter(self) -> int:
        lines = self.lines
        if not lines or lines[0].strip() != "---":
            return 0
        for j in range(1, min(len(lines), 80)):
            if lines[j].strip() in ("---", "..."):
                for k in range(1, j):
                    m = re.match(r"\s*title\s*:\s*(.*)$", lines[k])
                    if m:
                        self.title = m.group(1).strip().strip("\"'")
                return j + 1
        return 0


def family_in_text(text: str) -> str | None:
    """The command family a sentence names: `docker run的相关参数` -> `docker run`."""
    for m in re.finditer(r"(?<![A-Za-z0-9_-])[a-z][a-z0-9_-]*", text):
        if m.group(0) in PROGRAMS:
            return command_family(text[m.start():])
    return None


def _join_continuations(body: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Shell lines ending in a backslash continue on the next line."""
    out: list[tuple[str, int]] = []
    carry = ""
    start = 0
    for text, no in body:
        if carry:
            text = carry + " " + text.strip()
        else:
            start = no
        if text.rstrip().endswith("\\"):
            carry = text.rstrip()[:-1].rstrip()
            continue
        carry = ""
        out.append((text, start))
    if carry:
        out.append((carry, start))
    return out


def _sentences(text: str) -> list[str]:
    if len(text) <= MAX_PROSE:
        return [text]
    return [s for s in _SENTENCE_END.split(text) if s]


def parse_text(text: str, path: str) -> Document:
    """Parse the text of one notes file (`path` is what sources will show)."""
    parser = _Parser(path, text)
    passages = parser.run()
    return Document(path, parser.title, passages)


def parse_file(path: Path, shown: str) -> Document:
    """Read and parse one file; raises OSError or ValueError when it cannot be read as text."""
    return parse_text(decode(path.read_bytes()), shown)
