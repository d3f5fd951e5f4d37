"""Markdown notes -> focused `Passage` records (one command, flag, paragraph or block each)."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qa.model import FlagEntry, Passage, Source
from qa.tokenize import dash_flags


class _Pattern:
    """A regular expression compiled on first use: the notes' sixty patterns cost a cold
    question (which parses nothing) tens of milliseconds to compile."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self._args)
        for method in ("match", "fullmatch", "search", "sub", "subn", "finditer", "findall",
                       "split", "pattern", "flags", "groups", "groupindex"):
            setattr(self, method, getattr(compiled, method))  # later uses skip this
        return getattr(compiled, name)


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
nvm pm2 certbot tcpdump mtr traceroute iperf3 ufw firewall-cmd supervisorctl logrotate apt-mark
apt-file sha256sum md5sum nmap jq dmesg sysctl modprobe pyenv pipx poetry mysqladmin pg_restore
redis-server mongosh systemd-run htpasswd gofmt magick convert mogrify identify ffmpeg ffprobe
createdb dropdb createuser pg_dumpall pbcopy pbpaste defaults caffeinate xattr diskutil launchctl
npm kubectx k9s eksctl docker-buildx gh rustup
""".split())
# Program names that are also everyday English words: a line starting with one is a command
# only when it does not read like a sentence.
_WORDLIKE = frozenset("""make time date file type which at more less open code watch history
source env id top free cut sort find kill touch cat head tail echo export alias mount host
service go node screen locate test convert identify defaults""".split())

# Regexes here run on lines of any length: none may backtrack over a run of characters more than
# once (no lazy group followed by optional whitespace, no two quantifiers able to share a run).
_HEADING = _Pattern(r"^ {0,3}(#{1,6})\s+((?:.*[^\s#])?)[\s#]*$")
_FENCE = _Pattern(r"^(\s*)(`{3,}|~{3,})\s*([\w+.-]*)")
_LIST = _Pattern(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_QUOTE = _Pattern(r"^\s*>\s?(.*)$")
_THEMATIC_BREAK = _Pattern(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_HTML_TABLE = _Pattern(r"^\s*<table\b", re.I)
_HTML_PRE = _Pattern(r"^\s*<pre\b[^>]*>(?:\s*<code\b[^>]*>)?", re.I)  # `<pre><code>` (pasted)
_HTML_LANG = _Pattern(r"\bclass=[\"']?(?:language-|lang-)?([\w+-]+)", re.I)
_HTML_ROW = _Pattern(r"<tr\b[^<>]*>", re.I)
_HTML_CELL = _Pattern(r"<(t[dh])\b[^<>]*>", re.I)
_HTML_TAG = _Pattern(r"<[^<>]*>")
_DATE = _Pattern(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\S+)?$")  # `2024-03-11 周一`
_SETEXT = _Pattern(r"^ {0,3}(=|-)\1*\s*$")
_BOLD_LINE = _Pattern(r"^\*\*([^*]+)\*\*$|^__([^_]+)__$")
_QUESTION_LABEL = _Pattern(r"^(?:Q|问)\s*[:：.]\s*")  # `**Q: 怎么解封？**`
# a question over its answer: `**Q:** 怎么建 topic？` / `问：…？`, then `**A:** …` / `答：…`
_ASKED = _Pattern(r"^(?:\*\*|__)?(?:Q|问)\s*[:：](?:\*\*|__)?\s*(\S.*?)\s*(?:\*\*|__)?$")
_ANSWER_LABEL = _Pattern(r"^\s*(?:\*\*|__)?(?:A|答)\s*[:：](?:\*\*|__)?\s*")
_ANSWER_LABEL = _Pattern(r"^\*\*(?:A|答)\s*[:：.]\s*\*\*\s*|^\*\*(?:A|答)\*\*\s*[:：.]\s*"
                         r"|^(?:A|答)\s*[:：]\s*")
_QUOTE_MARK = _Pattern(r"^ {0,3}> ?")
_CALLOUT = _Pattern(r"^\s*\[![\w-]+\][-+]?\s*(.*)$")  # `> [!tip]- 标题` (Obsidian)
_TAG = r"#[^\s#\d\W][^\s#]*"  # `#linux`, `#运维`: not `# ` (a heading), `#1`, `#!`
_TAG_LINE = _Pattern(rf"^{_TAG}(?:\s+{_TAG})*$")
_TAG_WORD = _Pattern(rf"(?<!\S){_TAG}(?!\S)")
_WIKILINK = _Pattern(r"\[\[(?:[^\]|\n]*\|)?([^\]\n]*)\]\]")  # `[[page|shown]]` -> `shown`
_HIGHLIGHT = _Pattern(r"==([^=\n]+)==")
_CHECKBOX = _Pattern(r"^\[[ xX]\]\s+")  # `- [x] 安装`: a task list item
_TO_DO = _Pattern(r"^(?:\[ \]\s|(?:TODO|FIXME)(?![A-Za-z])|(?:待办|待补|待整理|待完善)[:：\s])")
_TABLE_ROW = _Pattern(r"^\s*\|.*\|\s*$")
_TABLE_RULE = _Pattern(r"^\s*(?:\|\s*)?:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*(?:\|\s*)?$")
_INLINE_CODE_LINE = _Pattern(r"^\s*`([^`]+)`\s*(?:[。.]\s*)?$")
_PROMPT = _Pattern(r"^\s*[$#]\s+(?=\S)")
# What may stand before a program: a prompt, a crontab schedule, `NAME=value` assignments.
_CRON = (r"(?:@(?:reboot|yearly|annually|monthly|weekly|daily|hourly)\s+"
         r"|(?:[\d*][\d*/,-]*\s+){4}[\d*][\d*/,-]*\s+)")
_RUN_PREFIX = _Pattern(rf"^(?:[$#]\s+)?{_CRON}?(?:[A-Z_][A-Z0-9_]*=\S*\s+)*")
_PREFIX_FIRST = frozenset("$#@*_")  # what a prefix may start with, besides A-Z and digits
_CRON_LINE = _Pattern(rf"^\s*{_CRON}[^\s\u3400-\u9fff]")  # `30 2 * * * /usr/bin/backup.sh`
# `createdb appdb_copy`, `open .`: a program-shaped word, then its arguments
_PROGRAM_ARGS = _Pattern(r"^[a-z][\w.+-]*(?:\s+[^\s\u3400-\u9fff]\S*)+$")
_LABEL = _Pattern(r"^[^`:：\"'=]*\w[:：]\s")  # `static checks: …`: words, then what they name
_FLAG_NAME = r"-{1,2}[A-Za-z0-9][A-Za-z0-9_-]*"
# A default value never swallows `, -x` (the next flag name): that ambiguity was exponential.
_FLAG_VALUE = rf"(?:[^\s,]|,(?!\s*{_FLAG_NAME}))"
_FLAG_NAMES = _Pattern(rf"(?:^|,\s*)({_FLAG_NAME})")
# `-m, --memory=""   指定容器的内存上限`: names, optional default, then the description.
_FLAG_LINE = _Pattern(
    rf"^(?P<indent>\s*)(?P<names>{_FLAG_NAME}"
    rf"(?:[= ](?P<val1>\"[^\"]*\"|\[[^\]]*\]|<[^>]*>|{_FLAG_VALUE}+?))?"
    r"(?: [a-z<\[][\w<>\[\].-]*)?"  # a second placeholder: `--arg name value`
    rf"(?:,\s*{_FLAG_NAME}(?:=(?P<val2>\"[^\"]*\"|\[[^\]]*\]|{_FLAG_VALUE}+)"
    r"| (?:[A-Z][A-Z_:]*|\[[^\]\s]*\]\S*|<[^>]*>)(?=\s))?)*)"  # `--interface IFACE`
    r"(?:\s{2,}|\t+|\s+(?=[\u3400-\u9fff]))(?P<desc>\S(?:.*\S)?)\s*$")
_COMMENT = _Pattern(r"(?:^|\s+|(?<=[\w)\]\"'])(?=#\s*[^\s!/]))#(?![!{])\s*(?P<c>.*)$")
# what ends a line that introduces what follows: a colon, or words saying an example follows
# (`…, e.g.`, `as follows`, `命令如下`)
_INTRO_END = _Pattern(r"(?:[：:]|(?<![^\s,，])(?:e\.g\.|for example|for instance|as follows"
                      r"|like (?:this|so))[.,:]?|如下[：:。]?)\s*$", re.I)
_COLON_END = _Pattern(r"[：:]\s*$")  # (what an introducing line says is the rest)
_DESC_THEN_CMD = _Pattern(r"^(?P<desc>[^`：:→]{0,119}?[^`：:→\s])\s*[：:→]\s*(?P<cmd>\S.*)$")
_ARGUMENT_LOOK = _Pattern(r"\s(?:\S*[/=]|--?[A-Za-z]|\S+\.[A-Za-z])")
_POINTERS = "：:→"  # what says `the command is this:`
_CJK = _Pattern(r"[\u3400-\u9fff]")
CODE_SPAN = _Pattern(r"`([^`\n]+)`")
_ONE_SPAN = _Pattern(r"^`([^`]+)`\s*[。.；;]?$")
# A list item led by its code: `` `npm ci`：严格按 lock 文件装 ``, `` `dpkg -L pkg` 列出文件 ``.
_CODE_FIRST = _Pattern(r"^`(?P<code>[^`]+)`\s*(?:(?:[：:]|—+|–|-{1,2}(?=\s))\s*)?"
                       r"(?P<desc>[^`\s].*)$")  # `` `uptime` —— 看负载 ``
_STATEMENT = _Pattern(r"^[A-Z][A-Z_]{2,}(?:\s[^\u3400-\u9fff]*)?$")  # `FLUSHDB`, `KEYS *`
_SQL_BLOCK = _Pattern(r"^(?i:select|insert|update|delete|with|create|drop|alter|grant|"
                      r"vacuum|analyze|explain|show|truncate|reindex|copy|set|begin)\s")
# a SQL statement in a sentence: `select pg_cancel_backend(123);`, `VACUUM FULL orders;`
_SQL_SPAN = _Pattern(r"^(?i:select|insert|update|delete|create|drop|alter|grant|revoke|vacuum|"
                     r"analyze|explain|show|truncate|reindex|cluster|copy|set)\s[^\u3400-\u9fff]+;$")
# a call in a database's JavaScript shell: `db.orders.find({…})`, `rs.status()` (mongosh)
_DB_CALL = _Pattern(r"^(?:db|rs|sh)(?:\.[\w$]+)+\(.*\)[\w.()\"\s,{}:$-]*;?$")
_DB_SHELL_LANGS = ("js", "javascript", "mongo", "mongosh", "mongodb")
_STACK_FRAME = _Pattern(r"^at\s.*\(\S*:\d+(?::\d+)?\)\s*$|^at\s+[\w$.<>]+\([\w.]+:\d+\)")
_STEP_NUMBER = _Pattern(r"^\s*(?:\d{1,2}\s*[)）、]|[(（]\d{1,2}[)）]|[①-⑳]"
                        r"|第[一二三四五六七八九十\d]+步[:：]?)\s*")
_ALIAS = _Pattern(r"^alias\s+([\w.-]+)=")
_COMMAND_WORD = _Pattern(r"[^\s|;&]+")
_PROGRAM_NAME = _Pattern(r"[a-z][\w.-]*")
_SUBCOMMAND = _Pattern(r"[a-z][a-z0-9-]*")
_TOOL_NAME = _Pattern(r"[a-z][a-z0-9_.-]*")
_SCRIPT = _Pattern(r"\.{1,2}/[\w.-]+")  # `./gradlew`, `../configure`
_SENTENCE_LIKE = _Pattern(r"(?<=[A-Za-z)])[.!?]$|,\s")
_FLAG_AFTER = _Pattern(r"\s--?[A-Za-z]")
_USAGE = _Pattern(r"\s*(?:usage|用法)\s*[:：]\s*(.+)", re.I)
_LOWER_WORD = _Pattern(r"(?<![A-Za-z0-9_-])[a-z][a-z0-9_-]*")
_COLUMN_GAP = _Pattern(r"\S(?: {2,}|\t)\S")
_TWO_LETTERS = _Pattern(r"[A-Za-z\u3400-\u9fff]{2}")
_MAX_SPAN_LINE = 2000  # longer lines are not sentences naming commands
# `**--user**: 装到用户目录`, `` `-y`：自动回答 yes ``: a definition of a flag.
_DEF_FLAG = _Pattern(
    rf"^(?:\*\*|__|`)(?P<names>{_FLAG_NAME}(?:\s*[,/，]\s*{_FLAG_NAME})*)"
    r"(?:[= ](?P<value>[^\s*`:：]+))?(?:(?:\*\*|__|`)\s*[:：]|[:：]\s*(?:\*\*|__|`))"
    r"\s*(?P<desc>\S.*)$")
# `- `-a` archive mode: …`, `` `-n`, `--dry-run` show what would happen ``: a list item led by
# flags in code, then what they do (the words may follow without a colon)
_CODE_FLAG_ITEM = _Pattern(
    rf"^`(?P<names>{_FLAG_NAME})(?:[= ](?P<value>[^`\s]+))?`"
    rf"(?:\s*[,/]\s*`(?P<more>{_FLAG_NAME})(?:[= ][^`\s]+)?`)?\s*(?:[:：]\s*)?(?P<desc>[^\s`].*)$")
# `\l   list databases`, `:vsp file   open file in a vertical split`: keys, two spaces, words
_TWO_COLUMN = _Pattern(
    r"^\s*(?P<key>[^\s\u3400-\u9fff]+(?: [^\s\u3400-\u9fff]+){0,2})(?: {2,}|\t+)(?P<desc>\S.*)$")
_MAKE_LANGS = ("make", "makefile", "mk")
_CLAUSE_END = _Pattern(r"[。！？!?；;]")
_SENTENCE_STOP = _Pattern(r"[。！？!?；;]|\.(?=\s)")
# words that only lead to a command: `…, so `cmd``, `then run `cmd``
_LEAD_WORDS = frozenset("so then run use is are try with via and or like e.g. i.e.".split())
_PHRASE_END = _Pattern(r"[。！？!?；;，,]|\.(?=\s)")
# (别的, 别名, 别人: other, alias, others)
_WARNING = _Pattern(r"不要|别(?![的名人处])|不能|禁止|千万|切勿"
                    r"|\b(?:[Dd]on't|[Dd]o not|[Nn]ever|[Aa]void)\b")
# what makes a warning word a condition the command answers: `不要数据：`cmd``, `不能重启就
# `cmd``, `不要备份的话，…`
_CONDITION_AFTER = _Pattern(r"[:：]\s*$|就|的话|则")
_HTML_TAGS = _Pattern(r"^\s*(?:</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>\s*)+$")
_SUMMARY = _Pattern(r"^\s*(?:<details[^<>]*>\s*)?<summary>([^<>]*)</summary>\s*$")
# `1. `, `2.2 `, `三、`: the numbering of a heading, not its words (`3306 端口` keeps its number)
_HEADING_NUMBER = _Pattern(r"^(?:\d+(?:\.\d+)+(?=\s)|\d+[.、)]|[一二三四五六七八九十]+[、.])\s*")
_HEADING_COMMANDS = 3  # a heading over at most this many commands is about each of them
# A table cell listing flags (`-p, --publish`, `-v /a:/b`): a value never swallows a separator
# run that is followed by the next flag name (that ambiguity was exponential).
_CELL_VALUE = rf"(?:[^\s,/]|[,/]+(?![,/\s]|{_FLAG_NAME}))"
_FLAG_CELL = _Pattern(rf"\s*(?:{_FLAG_NAME}(?![\w-])"
                        rf"(?:\s(?!{_FLAG_NAME}){_CELL_VALUE}+|{_CELL_VALUE}*)(?:[,/\s]+|$))+")
_PROSE_FLAG = _Pattern(
    rf"(?<![\w-])(?P<flag>{_FLAG_NAME})\s*(?:[（(][^）)]{{0,8}}[）)]\s*)?(?:参数\s*)?(?:[，,]\s*)?"
    r"(?:是|表示|为|用于|用来|指|意思是|代表|可以)\s*(?P<desc>[^，。,;；\n]{2,60})")
# `` `-t` TCP，`-l` 只看监听 ``: flags in code, each followed by what it does.
_CODE_FLAG_LIST = _Pattern(  # not `` `--permanent` 的规则 ``: that is a mention
    rf"`(?P<flag>{_FLAG_NAME})`\s*(?P<desc>[^`，,；;。\s的][^`，,；;。]{{0,40}})")
_SHELL_LANGS = ("bash", "sh", "shell", "console", "zsh", "shell-session", "fish", "powershell")
_QUOTES = frozenset("\"'")
_PLACEHOLDER = _Pattern(r"[\u3400-\u9fff]{0,4}(?:名|名称|名字|路径|目录|文件|地址|号|标签|版本)")
# `df -h 查看磁盘使用情况`: Chinese words after a command, what it does
_SAID_AFTER = _Pattern(r"\s([\u3400-\u9fff]{4,}[\u3400-\u9fff，。、；：（）！？\s]*)$")
_SHELL_COMMENT = _Pattern(r"^\s*#+\s*(\S.*)$")
_SETTINGS_LANGS = frozenset((
    "", "text", "txt", "conf", "config", "cfg", "ini", "toml", "yaml", "yml", "nginx",
    "apache", "apacheconf", "properties", "ssh", "ssh-config", "sshconfig", "ssh_config",
    "systemd", "unit", "hcl", "terraform", "tf", "caddy", "caddyfile", "postgresql", "redis",
    "my.cnf", "cnf", "env", "dotenv", "crontab", "cron", "logrotate", "haproxy", "squid"))
_SETTING_COMMENT = _Pattern(r"^(?:#+|;+|//)\s*(\S.*)$")  # `# …` (nginx, YAML), `; …` (ini)
_SQL_LANGS = ("sql", "mysql", "psql", "postgresql", "pgsql", "sqlite", "plsql", "tsql")
# A prompt that starts a command in a session: `$ `, `mysql> `, `127.0.0.1:6379> `, `db=# `,
# `dev@box:~/proj$ `, `[root@web01 ~]# `, `(.venv) $ `, `PS C:\> `, `C:\Users\me> `, `>>> `.
_SESSION_PROMPT = _Pattern(
    r"^\s*(?:\([\w.-]+\)\s*)?(?:\$|(?:[A-Za-z][\w-]*|[\w.-]+:\d+)(?:\[[\w()]*\])?(?:=?>|=#)"
    r"|[\w.-]+@[\w.-]+(?::\S*?)?[$#]|\[[\w.-]+@[^\]\n]*\][$#]|(?:PS )?[A-Za-z]:\\[^>\n]*>|PS>"
    r"|>>>)\s+(?=\S)")
_ROOT_PROMPT = _Pattern(r"^\s*#\s+(?=\S)")
_BECOME_ROOT = _Pattern(r"^(?:sudo\s+(?:-i|-s|su\b)|su\b)")  # a session's prompt is root's after
_CONSOLE_LANGS = ("console", "shell-session", "shellsession", "terminal")
_BARE_PROMPT = _Pattern(r"^\s*[A-Za-z][\w-]*(?:=?>|=#)\s*$")  # `appdb=>` with nothing after
_HEREDOC = _Pattern(r"(?<!<)<<-?\s*(['\"]?)(?P<word>[A-Za-z_]\w*)\1")  # `<<'EOF'`, not `<<<`
_CONTINUED_PROMPT = _Pattern(r"^\s*(?:->|\.\.\.>|[\w-]*-[>#])\s")  # `    -> ` (mysql)
_DOCKERFILE_LINE = _Pattern(
    r"^\s*(?:FROM|RUN|CMD|ENTRYPOINT|COPY|ADD|WORKDIR|EXPOSE|ENV|LABEL|ARG|VOLUME|USER|"
    r"HEALTHCHECK|ONBUILD|STOPSIGNAL|SHELL|MAINTAINER)\s+\S")
DOCKERFILE = "Dockerfile"
_SENTENCE_END = _Pattern(r"(?<=[。！？!?；;])|(?<=\.)\s")
# Subcommands that take a further verb: `docker network create`, `ip netns exec`.
_GROUPS = frozenset("""container image network volume system builder plugin node service stack
swarm secret config context trust manifest buildx compose netns link addr address route remote
stash submodule worktree""".split())
MAX_PROSE = 300
PARSER_VERSION = 95  # bump when the passages made of the same notes change


@dataclass
class Document:
    """One parsed notes file."""

    path: str
    title: str
    passages: list[Passage] = field(default_factory=list)


_CONTROL_BYTES = _Pattern("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_ASCII_TEXT = _Pattern("[\t\n\r -~]")


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
    words = _COMMAND_WORD.findall(_command_start(command))
    while words and words[0] in ("sudo", "$"):
        words.pop(0)
    if not words or words[0] not in PROGRAMS and not _PROGRAM_NAME.fullmatch(words[0]):
        return None
    family = [words[0]]
    for w in words[1:3]:
        m = _SUBCOMMAND.match(w)
        if not m or m.group(0) != w and not _CJK.match(w[m.end():m.end() + 1]):
            break
        family.append(m.group(0))
        if m.group(0) not in _GROUPS or m.group(0) != w:
            break
    return " ".join(family)


@functools.lru_cache(maxsize=1 << 12)  # lines repeat, within a file and across
def looks_like_command(line: str) -> bool:
    """Does this line start with something runnable (a known program, or a word then flags)?"""
    s = _command_start(line)
    words = s.split()
    if not words or "`" in s and CODE_SPAN.search(s) or _labels(s):
        return False  # `upgrade all (minor/patch): `go get -u``: words about code in code
    if _CRON_LINE.match(line):
        return not _CJK.search(_strip_comment(s)[0])
    if s[:1].isupper() and _REDIS_LINE.match(s):  # `CONFIG SET maxmemory-policy …`
        return not _CJK.search(_strip_comment(s)[0])
    if s[:1] == ":":
        return bool(_VIM_EX.match(s)) and not _CJK.search(s)
    first, second = words[0], words[1] if len(words) > 1 else ""
    if first == "at" and _STACK_FRAME.match(s):
        return False  # `at new Hash (node:internal/crypto/hash:67:19)`: a stack trace's line
    if _CJK.search(second) and not second.startswith(("{{", "<", "$", "-", "/", ".")):
        return False  # `docker 是一个...`, `docker run的相关参数`
    if second in ("/", "、", "or", "and", "和", "或"):
        return False  # `ufw / firewalld`: two tools named
    if first in _WORDLIKE:
        # `make sure the port is free.` is prose; `make install`, `go vet ./...` are not
        code = _strip_comment(s)[0].split()
        return 2 <= len(code) <= 12 and not _SENTENCE_LIKE.search(s)
    if first in PROGRAMS or _SCRIPT.fullmatch(first) and second \
            and not _CJK.search(_strip_comment(s)[0]):
        return True  # (`./gradlew build`, `../configure --prefix=…`: a script run with arguments)
    return bool(_TOOL_NAME.fullmatch(first)) and bool(_FLAG_AFTER.search(s)) \
        and not _CJK.search(_strip_comment(s)[0])


def _program(command: str) -> str:
    """The program a command runs: `sudo restic check` -> `restic`."""
    words = [w for w in _command_start(command).split() if w != "sudo"]
    return words[0] if words else ""


@functools.lru_cache(maxsize=1 << 12)  # lines repeat, within a file and across
def _command_start(line: str) -> str:
    """The line from its program on: without a `$ ` prompt, a crontab schedule
    (`30 2 * * * `) or environment assignments (`CGO_ENABLED=0 `)."""
    line = line.strip()
    first = line[:1]
    if first in _PREFIX_FIRST or "A" <= first <= "Z" or first.isdecimal():
        return _RUN_PREFIX.sub("", line)
    return line  # (no prefix starts with any other character)


def runnable(code: str) -> bool:
    """Is this code, shown where only a command can stand (a fenced shell line, a line after
    a `$ ` prompt, the code of `description: `code``), a command? Then a program qa does not
    know, without flags, is one too: `createdb appdb_copy`, `open .`."""
    s = _command_start(code)
    return looks_like_command(code) or bool(_PROGRAM_ARGS.match(s)) and not _CJK.search(
        _strip_comment(s)[0])


# a command of Redis as typed at redis-cli (its commands are written in capitals)
# the first line of what a program prints when it fails (npm ERR!, a Java or Python exception,
# `Error: …`, `-bash: warning: setlocale: …`, `… : Permission denied`)
ERROR_LINE = _Pattern(
    r"^\s*(?:npm ERR!|Traceback \(most recent call last\)|Exception in thread|"
    r"(?:[\w.]+\.)?\w*(?:Error|Exception)\b|error\b[:\[]|fatal:|E: |panic:|"
    r"[-\w./]+: (?:warning|error)\b|"
    r"[-\w./: ]+: .*\b(?:command not found|No such file or directory|Permission denied|"
    r"unable to|cannot|can't|could not|failed|refused|timed out)\b)", re.I)
# a command typed at vim's `:` prompt (`:set paste`, `:g/DEBUG/d`, `:%s/a/b/g`, `:w !sudo tee %`)
_VIM_EX = _Pattern(
    r"^:(?:%|'<,'>|\d+(?:,\d+)?|\.,\$)?(?:!|(?:s|g|v|w|wq|wa|wqa|x|xa|q|qa|e|edit|enew|r|"
    r"read|set|setl|setlocal|sp|vsp|split|vsplit|new|vnew|only|close|noh|nohlsearch|sort|norm|"
    r"normal|earlier|later|retab|reg|registers|marks|ls|buffers|bd|bn|bp|tabnew|tabe|tabn|"
    r"syntax|syn|filetype|h|help|so|source|let|echo|n?map|n?noremap|[ivx]noremap|vimgrep|"
    r"copen|cn|cnext|make|term|terminal|diffthis|diffget|diffput|windo|bufdo|argdo|cdo|undo|"
    r"redo|d|m|t|co|y|j|saveas|up|update|cd|pwd|checkhealth|lua|PlugInstall|PackerSync)"
    r"(?:!|(?=[\s/#&|]|$)))")
_REDIS_LINE = _Pattern(
    r"^(?:CONFIG (?:GET|SET|REWRITE|RESETSTAT)|CLIENT (?:LIST|KILL|SETNAME|GETNAME|INFO)|"
    r"SLOWLOG (?:GET|RESET|LEN)|MEMORY (?:USAGE|STATS|DOCTOR|PURGE)|OBJECT (?:ENCODING|FREQ|"
    r"IDLETIME)|CLUSTER (?:INFO|NODES|SLOTS|MEET|FAILOVER)|INFO|DBSIZE|BGSAVE|BGREWRITEAOF|"
    r"LASTSAVE|MONITOR|FLUSHALL|FLUSHDB|SCAN|KEYS|TTL|PTTL|TYPE|DEL|UNLINK|EXPIRE|PERSIST|"
    r"HGETALL|LRANGE|ZRANGE|SMEMBERS|XINFO|XLEN|REPLICAOF|SLAVEOF)(?:\s|$)")
_SQL_COMMENT = _Pattern(r"\s+--\s+(\S.*)$")  # SQL's `-- …` after a statement
_MARKED_COMMENT = _Pattern(r"\s+(?://|←|<-{1,2})\s*(\S.*)$")  # C's `// …`, an arrow back
# what marks the words in a command's second column as its comment (`// 停止容器`, `-- 启动`)
_COMMENT_MARK = _Pattern(r"^(?://|--|←|<-{1,2})\s*")
_SQL_LINE = _Pattern(r"^\s*(?:\\[a-z]|(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|SHOW|"
                     r"EXPLAIN|VACUUM|GRANT|REVOKE|SET|USE)\b)", re.I)


@functools.lru_cache(maxsize=1 << 12)  # lines repeat, within a file and across
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
    sql = _SQL_COMMENT.search(line) if not in_quote else None
    if sql and (_CJK.search(sql.group(1)) or _SQL_LINE.match(line)):
        return line[:sql.start()].rstrip(), sql.group(1).strip()  # `\dt  -- 当前的表`
    marked = _MARKED_COMMENT.search(line) if not in_quote else None
    if marked and _CJK.search(marked.group(1)):  # `docker stop web  // 停止容器`, `← 拷出来`
        return line[:marked.start()].rstrip(), marked.group(1).strip()
    said = _SAID_AFTER.search(line) if not in_quote else None
    words = line[:said.start()].split() if said else []
    if said and words and words[-1] not in ("-m", "--message") \
            and words[0] not in ("echo", "printf") and not _QUOTES & set(said.group(0)) \
            and not any(_PLACEHOLDER.fullmatch(w) for w in said.group(1).split()):
        # `df -h 查看磁盘使用情况`: a sentence after the command (not `镜像名`, a placeholder,
        # nor `-m 修复登录问题` or `echo 你好世界`, text the command takes)
        return line[:said.start()].rstrip(), said.group(1).strip()
    return line.rstrip(), ""


def _clean_command(cmd: str) -> str:
    """The command as it is run: no prompt, no typographic dash for a flag's (`–d`)."""
    if "\u2013" in cmd or "\u2014" in cmd:
        cmd = dash_flags(cmd)
    return _PROMPT.sub("", cmd).strip()


# Markup of static-site generators around Markdown (the Markdown within is read as such):
# Hexo `{% codeblock lang:bash %}` and Hugo `{{< highlight bash >}}` are fences; their other
# tags (`{% note info %}`, `{{< notice tip >}}`) say nothing; MkDocs `!!! tip "标题"`, `???`,
# `=== "Windows"` hold the lines indented under them, Docusaurus/VuePress `::: tip 标题`
# the lines up to `:::`: callouts whose title is the context of their commands.
_TEMPLATE_FENCE = _Pattern(r"^\s*(?:\{%\s*codeblock\b(?:.*?\blang:(\S+))?.*%\}"
                           r"|\{\{<\s*highlight\s+([\w+.-]+).*>\}\})\s*$")
_TEMPLATE_END = _Pattern(r"^\s*(?:\{%\s*endcodeblock\s*%\}|\{\{<\s*/highlight\s*>\}\})\s*$")
_TEMPLATE_TAG = _Pattern(r"^\s{0,3}(?:\{%\s*(?:end)?(?:note|raw|blockquote|quote|tabs|asset_img|"
                         r"asset_link|img|link|post_link|youtube|iframe|include_code)\b.*%\}"
                         r"|\{\{[<%].*[>%]\}\})\s*$")
_INDENTED_BOX = _Pattern(r"^(?:(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+\"([^\"]*)\")?"
                         r"|===\s+\"([^\"]*)\")\s*$")
_FENCED_BOX = _Pattern(r"^\s*:::\s*([\w-]*)\s*(.*?)\s*$")


# MyST (Jupyter Book, Sphinx): a fence whose info is a directive; an admonition holds
# Markdown (```{warning}, ```{admonition} 标题), a code directive is code (```{code-block} bash)
_MYST_FENCE = _Pattern(r"^(\s*)(`{3,}|~{3,})\{([\w-]+)\}\s*(.*?)\s*$")
_MYST_CODE = frozenset({"code-block", "code", "sourcecode", "code-cell"})
_MYST_BOXES = frozenset("""note warning tip important caution attention danger error hint seealso
admonition dropdown todo""".split())
_MYST_OPTION = _Pattern(r"^\s*:[\w-]+:")  # `:class: tip`, a directive's option
_MYST_LABEL = _Pattern(r"^\s*\([\w .:-]+\)=\s*$")  # `(vcs support)=`: a target for links
_MYST_ROLE = _Pattern(r"\{[a-z][\w:-]*\}(?=`)")  # {ref}`…`: the role's mark


def _myst_fence(out: list[str], i: int, m: re.Match[str]) -> tuple[str, int] | None:
    """A MyST directive's fence at line i: an admonition is a callout (its title, the line
    after its closing fence), its fences and options blank, its lines Markdown (None for
    others). A code directive becomes a fence of its language, as does an R Markdown chunk
    (```` ```{r} ````, ```` ```{python} ````)."""
    name, argument = m.group(3).lower(), m.group(4)
    if name not in _MYST_BOXES:
        lang = (argument.split() or [""])[0] if name in _MYST_CODE else name
        out[i] = f"{m.group(1)}{m.group(2)}{lang}"
        return None
    close = m.group(2)
    j = next((k for k in range(i + 1, len(out)) if out[k].strip() == close), None)
    if j is None:
        return None
    out[i] = out[j] = ""
    k = i + 1
    while k < j and _MYST_OPTION.match(out[k]):
        out[k] = ""
        k += 1
    return (argument if name == "admonition" else argument or name.capitalize()), j + 1


_ORG_BEGIN = _Pattern(r"^\s*#\+begin_(?:src|example)(?:\s+([\w+.-]+))?.*$", re.I)
_ORG_END = _Pattern(r"^\s*#\+end_(?:src|example)\s*$", re.I)
_OPTION_HEAD = _Pattern(r"^(\s*)--?[A-Za-z][\w-]*(?:,?\s+--?[A-Za-z][\w-]*)*(?:[ =]\S+)?\s*$")


def _deeper(line: str, indent: str) -> bool:
    """Is the line text indented further than `indent` (a description under its option)?"""
    stripped = line.lstrip()
    return bool(stripped) and not stripped.startswith("-") \
        and len(line) - len(stripped) > len(indent.expandtabs(4))


_BREAK = _Pattern(r"<br\s*/?>", re.I)
_NOTEBOOK_LABEL = _Pattern(r"^\s*(?:In|Out)\s?\[\d*\]:\s*$")
_SHELL_ESCAPE = _Pattern(r"^(\s*)(?:!|%(?=(?:pip|conda)\s))(?=\S)")  # `!conda …`, `%pip …`
_CELL_MAGIC = _Pattern(r"^\s*%%(?:bash|sh|shell|script\s+(?:ba)?sh)\s*$")
_NOTEBOOK_LANGS = ("", "python", "python3", "py", "ipython", "ipython3")


def _notebook_cell(out: list[str], start: int, end: int) -> None:
    """A notebook's cell of shell commands (`!conda env list`, `%pip install …`, or under a
    `%%bash` magic) between fence lines start and end: a shell block without the marks."""
    m = _FENCE.match(out[start])
    body = [k for k in range(start + 1, end) if out[k].strip()]
    if not m or m.group(3).lower() not in _NOTEBOOK_LANGS or not body:
        return
    if _CELL_MAGIC.match(out[body[0]]):
        out[body[0]] = ""
    elif all(_SHELL_ESCAPE.match(out[k]) for k in body):
        for k in body:
            out[k] = _SHELL_ESCAPE.sub(r"\1", out[k], count=1)
    else:
        return
    out[start] = f"{m.group(1)}{m.group(2)}bash"


def _blank_output(out: list[str], i: int, fenced: bool = True) -> None:
    """Blank what a notebook printed from line i: an indented block, or a fenced one."""
    while i < len(out) and not out[i].strip():
        i += 1
    m = _FENCE.match(out[i]) if i < len(out) and fenced else None
    if m:
        j = i + 1
        while j < len(out) and not out[j].strip().startswith(m.group(2)):
            j += 1
        for k in range(i, min(j + 1, len(out))):
            out[k] = ""
        return
    while i < len(out) and (out[i].startswith((" " * 4, "\t")) or not out[i].strip()):
        out[i] = ""
        i += 1


def _labels(line: str) -> bool:
    """Does the line start with words that label what follows (`_LABEL`)? (A colon needed.)"""
    return (":" in line or "：" in line) and _LABEL.match(line) is not None


def _has_pointer(line: str) -> bool:
    """Has the line a mark that points at a command (what `_DESC_THEN_CMD` needs)?"""
    return ":" in line or "：" in line or "→" in line  # (_POINTERS)


def _session_prompt(line: str) -> re.Match[str] | None:
    """`_SESSION_PROMPT.match(line)`; a prompt has a `$`, `>` or `#`."""
    if "$" in line or ">" in line or "#" in line:
        return _SESSION_PROMPT.match(line)
    return None


# an introducing line that says only "next": 然后：, 接着执行：, Then:
_THEN = _Pattern(r"(?i)(?:然后|接着|之后|随后|最后|再|then|next|after that|finally|and then)"
                 r"[，,]?\s*(?:再|执行|运行|跑|输入|敲|run)?")
_TITLE = _Pattern(r"\btitle=[\"']?([^\"'\s]+)")
_SCRIPTS = (".sh", ".bash", ".zsh", ".fish", ".ps1", ".bat", ".cmd")


def _titled(line: str, lang: str) -> tuple[str, bool]:
    """A fence's language, and whether it shows a file's content: a title naming a file
    (```text title="list.txt"```, ```bash title="~/.tmux.conf"```) that is no script says the
    lines are that file's, settings or data, not commands to type (its name's extension then
    says the language: ini, yaml; Makefile and Dockerfile their own)."""
    m = _TITLE.search(line) if "title=" in line else None
    if not m:
        return lang, False
    name = m.group(1).rsplit("/", 1)[-1].lower()
    if name.endswith(_SCRIPTS):
        return lang, False
    if name == "makefile" or name.endswith(".mk"):
        return "makefile", True
    if name.startswith("dockerfile"):
        return "dockerfile", True
    ext = name.rsplit(".", 1)[-1]
    return (ext if ext in _SETTINGS_LANGS and ext not in ("", "text", "txt") else "conf"), True


def _fence(line: str) -> re.Match[str] | None:
    """A fence's opening or closing line (`_FENCE`); most lines have no run of ` or ~."""
    return _FENCE.match(line) if "```" in line or "~~~" in line else None


_BOLD = _Pattern(r"\*\*([^*`\n]+)\*\*")
_ARROW = _Pattern(r"\s+(?:-{1,2}|={1,2})>\s+")  # ` -> `, ` => `, ` --> `: a pointer


# a short line of words that ends no sentence: a label for what follows (查看所有容器)
_LABEL_LINE = _Pattern(r"^(?=.*[\u3400-\u9fff])[^`。！？!?；;，,.]{1,30}$")
_HTML_CODE = _Pattern(r"<code>([^<>`]+)</code>")
_BARE_DELIMITER = _Pattern(r"^\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+$")
_LINE_NUMBER = _Pattern(r"^\s*(\d+)(?:\s+|$)")


def _piped(out: list[str], i: int) -> None:
    """A table written without its outer pipes (header at i - 1, delimiter at i, rows until
    a line without a pipe): the same table with them."""
    k = i - 1
    while k < len(out) and "|" in out[k] and out[k].strip():
        row = out[k].strip()
        out[k] = ("" if row.startswith("|") else "| ") + row + ("" if row.endswith("|") else " |")
        k += 1


def _unnumbered(out: list[str], start: int, end: int) -> None:
    """A block pasted with its line numbers (`1  docker stop web`, `2  docker rm web`, as web
    pages show code): the lines without them."""
    body = [k for k in range(start, end) if out[k].strip()]
    numbers = [m for k in body if (m := _LINE_NUMBER.match(out[k]))]
    first = int(numbers[0].group(1)) if numbers else 0
    if len(body) < 2 or len(numbers) < len(body) \
            or [int(m.group(1)) for m in numbers] != list(range(first, first + len(body))):
        return
    for k, m in zip(body, numbers, strict=True):
        out[k] = out[k][m.end():]


# a command quoted as words are (`使用“docker images”命令`), and a run of Latin text inside a
# Chinese sentence (`执行 docker rmi -f $(docker images -q) 删除全部镜像`)
_QUOTED = _Pattern(r"“([^”\n]{3,200})”|「([^」\n]{3,200})」|\"([^\"\n]{3,200})\"")
_THREE_WORDS = _Pattern(r"[A-Za-z][!-~]*[ \t]+[!-~]+[ \t]+[!-~]")
_LATIN_RUN = _Pattern(r"[^\u3400-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+")


def _unquoted_commands(line: str) -> str:
    """A line of a Chinese sentence (no code marks in it) with the commands it names set as
    code: quoted (`“docker images”`) or bare between its words (`执行 docker rmi … 删除`);
    a command starts with a program qa knows and reads as one. The line's start is the
    line's own (`docker ps -a 查看所有容器` is read as a command line already)."""
    def code(m: re.Match[str]) -> str:
        said = next(g for g in m.groups() if g is not None)
        return f"`{said}`" if _known_command(said, 2) else m.group(0)

    if "“" in line or "「" in line or '"' in line:
        line = _QUOTED.sub(code, line)
    if not _THREE_WORDS.search(line):  # (most lines: no run a bare command could be)
        return line
    lead = len(line) - len(line.lstrip())
    out, at = [], 0
    for m in _LATIN_RUN.finditer(line):
        run = m.group(0).strip()
        start = m.start() + m.group(0).index(run[:1]) if run else m.start()
        # (bare, a command and no more is named, not run: `像 tail -f 一样`, `如果docker run…`)
        if start > lead and "`" not in m.group(0) and _known_command(run, 3):
            out += [line[at:start], f"`{run}`"]
            at = start + len(run)
    return "".join(out) + line[at:] if out else line


def _known_command(code: str, words: int) -> bool:
    """Is code a command of a program qa knows, of at least this many words? (Not a path of
    menus, `docker -- new --`: a command ends in no bare dash.)"""
    split = code.split()
    return len(split) >= words and split[0] in PROGRAMS and split[-1] not in ("-", "--") \
        and looks_like_command(code) and not _CJK.search(code)


def _bold_commands(line: str) -> str:
    """The line with a command set in bold (`**docker ps -a**`) set as code."""
    return _BOLD.sub(lambda m: f"`{m.group(1)}`" if looks_like_command(m.group(1))
                     and not _CJK.search(m.group(1)) else m.group(0), line)


def _described_below(item: re.Match[str], below: str) -> bool:
    """Is the line under a list item of a bare command (`1. docker logs -f web`) what the
    command does, indented under it (`   实时跟踪容器日志`)?"""
    command = item.group(1)
    return command[:1].isascii() and not _CJK.search(command) and "`" not in command \
        and bool(below.strip()) and len(below) - len(below.lstrip()) >= item.start(1) \
        and bool(_CJK.search(below)) and not _LIST.match(below) and "`" not in below \
        and not _fence(below) and looks_like_command(command)


_IMAGE_LINE = _Pattern(r"^\s*!\[([^\]]*)\]\([^)]*\)\s*$")  # `![流程图](https://…)`
# a definition list's definition (Pandoc, PHP Markdown Extra): `: 列出所有容器` under its term
_DEFINITION = _Pattern(r"^ {0,3}:[ \t]+(\S.*)$")


def _defined_term(out: list[str], i: int) -> bool:
    """Line i a definition list's term, the lines under it its definitions (`docker ps -a`
    over `: 列出所有容器`): one line as a description and its command (`列出所有容器：`docker
    ps -a``) or a term and what it is (`bridge：默认的网络驱动`); the definitions' lines blank."""
    term = out[i].strip()
    if not term or term.startswith(("#", "|", ">", ":")) or _LIST.match(out[i]) \
            or _fence(out[i]):
        return False
    k = i + 1
    said: list[str] = []
    while k < len(out) and (d := _DEFINITION.match(out[k])):
        said.append(d.group(1).strip())
        out[k] = ""
        k += 1
    if not said:
        return False
    code = term[1:-1] if CODE_SPAN.fullmatch(term) else term
    what = "；".join(said)
    out[i] = f"{what}：`{code}`" if looks_like_command(code) else f"{term}：{what}"
    return True


_FILE_NAME = _Pattern(r"[\w.-]+\.(?:png|jpe?g|gif|webp|svg|bmp)|image|img|图片|截图|pasted[\w -]*",
                      re.I)
# an outliner's page (Logseq, Roam, 思源): every block a bullet, tab-indented; a block's further
# lines indented past its dash; `key:: value` properties
_BLOCK = _Pattern(r"^([ \t]*)- (.*)$")
_BLOCK_MARK = _Pattern(r"^(?:```|~~~|#{1,6}\s)|^[\w-]+:: ")
_PROPERTY = _Pattern(r"^\s*[A-Za-z][\w-]*:: ")
_OUTLINE_TASK = _Pattern(r"^(?:(TODO|LATER|NOW|DOING|WAITING)|DONE|CANCELED|CANCELLED)\s+")


def _outline_shaped(lines: list[str]) -> bool:
    """Is this an outliner's page: bullets nearly everywhere, and blocks that hold a fence or
    a heading on their dash's line (`- ```bash`, `- ## 容器`) or properties (`id:: …`)?"""
    if not any("- `" in ln or "- ~" in ln or "- #" in ln or ":: " in ln for ln in lines):
        return False  # (what a page needs to be one, tried first: most notes have none of it)
    text = [ln for ln in lines if ln.strip()]
    if len(text) < 3:
        return False
    bullets = [m for ln in text if (m := _BLOCK.match(ln))]
    marked = any(_BLOCK_MARK.match(m.group(2)) for m in bullets) or any(
        _PROPERTY.match(ln) for ln in text)
    return marked and len(bullets) * 2 >= len(text) and any(m.group(1) for m in bullets)


def _unoutline(out: list[str]) -> None:
    """An outliner's page as Markdown, line for line: a block holding a fence or a heading
    is that fence (its lines without the block's indent) or heading; properties are
    metadata (blank); TODO/LATER blocks are open tasks, DONE ones said; other blocks stay
    list items. A block whose child is code introduces it (`- 进入容器` over `- `docker exec
    …``: one item, `进入容器：`docker exec …``)."""
    orig = list(out)
    fence = ""  # the marker that closes the fence a block holds
    inside = ""  # the indent of that fence's lines
    titled = ""  # the indent of a block whose first line was a property: its next line leads
    for i, line in enumerate(orig):
        if fence:
            body = line[len(inside):] if line.startswith(inside) else line.strip()
            out[i] = body
            if body.strip().startswith(fence):
                fence = ""
            continue
        m = _BLOCK.match(line)
        if _PROPERTY.match(line) or m and _PROPERTY.match(m.group(2)):
            out[i] = ""
            if m:
                titled = m.group(1)
            continue
        if not m:
            if titled and line.strip() and line.startswith(titled + "  "):
                out[i] = f"{titled}- {line.strip()}"  # (`- id:: …` then its words)
            titled = ""
            continue
        titled = ""
        indent, content = m.groups()
        if content.startswith(("```", "~~~")):
            fence, inside = content[:3], indent + "  "
            out[i] = content
            _introduces(out, orig, i, indent)
        elif content.startswith("#") and re.match(r"#{1,6}\s", content):
            out[i] = content
        else:
            task = _OUTLINE_TASK.match(content)
            if task:  # (an open task is a TODO, as the notes' other tasks are; a done one said)
                content = ("TODO " if task.group(1) else "") + content[task.end():]
            out[i] = f"{indent}- {content}"
            if _ONE_SPAN.match(content) and (parent := _introduces(out, orig, i, indent)):
                out[parent], out[i] = "", f"{indent}- {out[parent].strip()[2:]}{content}"


def _introduces(out: list[str], orig: list[str], i: int, indent: str) -> int | None:
    """The block whose child, at line i, is code: it says what the code does, so it ends in a
    colon (`- 删除已停止的容器：`). Its line, or None when block i is no child of text (the
    lines above as rewritten: blocks, or a block's words after its properties)."""
    for k in range(i - 1, -1, -1):
        if not out[k].strip():
            continue  # (a property, blanked)
        m = _BLOCK.match(out[k])
        if not m or len(m.group(1)) >= len(indent) or _BLOCK_MARK.match(m.group(2)) \
                or not _BLOCK.match(orig[k]) and not orig[k].startswith(m.group(1) + "  "):
            return None
        if not out[k].rstrip().endswith(("：", ":")):
            out[k] = out[k].rstrip() + "："
        return k
    return None


def _unwrap(lines: list[str]) -> tuple[list[str], dict[int, tuple[str, int]]]:
    """The lines with the markup of static-site generators turned into Markdown (one line
    for one, so line numbers stay), and the callouts found: first line -> (title, the line
    number after their last)."""
    out = list(lines)
    if _outline_shaped(out):
        _unoutline(out)
    boxes: dict[int, tuple[str, int]] = {}
    opened: list[tuple[int, str]] = []  # `:::` containers not closed yet: (line, title)
    fence = ""  # the marker that closes the fence we are in (```, ~~~~), or a template's
    opened_at = 0  # the line of the fence we are in
    notebook = False  # an exported notebook's (`In [3]:` seen): indented lines after a cell
    # are what it printed
    for i, line in enumerate(out):
        if fence == "tag":
            if _TEMPLATE_END.match(line):
                out[i], fence = "```", ""
        elif fence:
            if line.strip().startswith(fence):
                fence = ""
                _notebook_cell(out, opened_at, i)
                _unnumbered(out, opened_at + 1, i)
                if notebook and i + 1 < len(out) and not out[i + 1].strip():
                    _blank_output(out, i + 1, fenced=False)  # what the cell printed
        elif "{" in line and (m := _MYST_FENCE.match(line)) \
                and (box := _myst_fence(out, i, m)) is not None:
            boxes[i] = (_unmark(box[0]), box[1])  # ```{warning} … ```: a callout
        elif m := _fence(out[i]):
            fence, opened_at = m.group(2), i
        elif "#+" in line and (m := _ORG_BEGIN.match(line)):
            # an org-mode block pasted into Markdown (`#+BEGIN_SRC sh` … `#+END_SRC`): a fence
            j = next((k for k in range(i + 1, len(out)) if _ORG_END.match(out[k])), None)
            if j is not None:
                out[i], out[j] = f"```{m.group(1) or ''}", "```"
                fence, opened_at = "```", i
        elif "<code>" in line and "<t" not in line and "<pre" not in line \
                and (code := _HTML_CODE.sub(r"`\1`", line)) != line:
            out[i] = code  # `用 <code>docker ps -a</code> 查看`: inline code in HTML
        elif "|" in line and _BARE_DELIMITER.match(line) and i and "|" in out[i - 1]:
            _piped(out, i)  # `命令 | 说明` over `--- | ---`: a table without its outer pipes
        elif "`" not in line and "|" not in line and _CJK.search(line) \
                and not line.lstrip().startswith("#") \
                and (said := _unquoted_commands(line)) != line:
            out[i] = said  # `使用“docker images”命令查看`, `执行 docker rmi … 删除`
        elif "**" in line and (bold := _bold_commands(line)) != line:
            out[i] = bold  # `**docker ps -a**：查看所有容器`: bold set for code
        elif ("->" in line or "=>" in line) and (arrow := _ARROW.sub(" → ", line)) != line \
                and "`" not in arrow.split("→")[0]:
            out[i] = arrow  # `查看磁盘占用 -> docker system df`: a pointer, as →
        elif (m := _LIST.match(line)) and i + 1 < len(out) and _described_below(m, out[i + 1]):
            # `1. docker logs -f web` over `   实时跟踪容器日志`: one item, what it does first
            said = f"{out[i + 1].strip()}：`{m.group(1).strip()}`"
            out[i], out[i + 1] = line[:m.start(1)] + said, ""
        elif i + 1 < len(out) and out[i + 1][:4].lstrip()[:1] == ":" \
                and _defined_term(out, i):
            pass  # `docker ps -a` over `: 列出所有容器`: a definition list's entry
        elif "<br" in line:
            out[i] = _BREAK.sub(" ", line)  # (a table cell's line break)
        elif ")=" in line and _MYST_LABEL.match(line):
            out[i] = ""  # `(vcs support)=`: where links land, nothing said
        elif "}`" in line and (plain := _MYST_ROLE.sub("", line)) != line:
            out[i] = plain  # {ref}`Direct URL <…>`: the role's mark says nothing
        elif "![" in line and (m := _IMAGE_LINE.match(line)):
            # a picture alone on its line says what its words say (a file name says nothing)
            alt = m.group(1).strip()
            out[i] = "" if not alt or _FILE_NAME.fullmatch(alt) else alt
        elif "]:" in line and _NOTEBOOK_LABEL.match(line):
            # a notebook's `In [3]:` says nothing; `Out[3]:` and what follows it are output
            out[i], notebook = "", True
            if line.lstrip().startswith("Out"):
                _blank_output(out, i + 1)
        elif line.lstrip()[:1] == "-" and (m := _OPTION_HEAD.match(line)) and i + 1 < len(out) \
                and _deeper(out[i + 1], m.group(1)):
            # a man page's option (`    -t, --tcp` over its indented description): one line
            out[i], out[i + 1] = f"{line.rstrip()}  {out[i + 1].strip()}", ""
        elif line.startswith((" " * 4, "\t")):
            pass  # indented code: a template's lines in it are the code's
        elif "{" not in line and ":::" not in line and not line.startswith(("!!!", "???", "===")):
            pass  # (what each of the patterns below needs: most lines have none of it)
        elif m := _TEMPLATE_FENCE.match(line):
            out[i], fence = "```" + (m.group(1) or m.group(2) or ""), "tag"
        elif _TEMPLATE_END.match(line) or _TEMPLATE_TAG.match(line):
            out[i] = ""
        elif m := _INDENTED_BOX.match(line):
            j = i + 1
            while j < len(out) and (out[j].startswith((" " * 4, "\t")) or not out[j].strip()):
                out[j] = out[j][1 if out[j].startswith("\t") else 4:]
                j += 1
            out[i] = ""
            boxes[i] = (_unmark(m.group(1) or m.group(2) or ""), j)
        elif line.strip() == ":::" and opened:
            start, title = opened.pop()
            out[start], out[i] = "", ""
            boxes[start] = (_unmark(title), i + 1)
        elif (m := _FENCED_BOX.match(line)) and m.group(1):
            opened.append((i, m.group(2)))
    return out, boxes


def _command_cell(row: list[str], code: frozenset[int], known: Set[str]) -> int | None:
    """Which cell of a table row holds its command: the first, when it is one or is code;
    else the first later cell that is code and runnable (a program this file runs elsewhere,
    an alias it defines, counts as one: `esc "$ES/_cat/indices?v"`)."""
    if row and row[0] and (0 in code or looks_like_command(row[0])):
        return 0
    return next((k for k in sorted(code) if k and row[k] and (
        looks_like_command(row[k]) or _statement(row[k])
        or _program(row[k]) in known and runnable(row[k]))), None)


def parse_flag_line(line: str, family: str | None) -> FlagEntry | None:
    """A flag-table line -> FlagEntry, or None when the line is not one."""
    m = _FLAG_LINE.match(line)
    if not m:
        return None
    names = _FLAG_NAMES.findall(m.group("names"))
    short = next((n for n in names if not n.startswith("--")), None)
    long = next((n for n in names if n.startswith("--")), None)
    default = m.group("val2") or m.group("val1")
    return FlagEntry(short, long, default, m.group("desc").strip(), family)


def _table_cells(line: str) -> tuple[list[str], frozenset[int]]:
    """The cells of a table row, and which of them are code (`…`). A `\\|` inside a cell is
    a pipe of its command, not a cell's end."""
    raw = [c.strip().replace("\0", "|") for c in
           line.strip().strip("|").replace("\\|", "\0").split("|")]
    code = frozenset(k for k, c in enumerate(raw) if re.fullmatch(r"`[^`]+`", c))
    return [c.replace("`", "").strip() for c in raw], code


class _Parser:
    """A single pass over the lines of one file, emitting passages as shapes are recognised."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines, self.containers = _unwrap(text.split("\n"))
        self.quoted: set[int] = set()  # lines that were in a blockquote (`> …`)
        self.title = ""
        self.headings: list[tuple[int, str]] = []
        self.summaries: list[int] = []  # how many headings are open inside each <details>
        self.out: list[Passage] = []
        self.intro: tuple[str, int] | None = None  # a line ending in a colon, waiting for commands
        self.list_intro = ""  # the line that introduced the list of commands being read
        self.pending: list[tuple[str, int]] = []  # commands waiting for their group to end
        self.paragraph: list[tuple[str, int]] = []
        self.last_family: str | None = None
        self.table_family: str | None = None
        self.parents: list[tuple[int, str]] = []  # (indent, words) of the list items we are in
        # commands the pending paragraph names: (code, its sentence, its phrase, line)
        self.inline: list[tuple[str, str, str, int]] = []
        self.heading_no = 0  # which heading passages stand under (0: none yet)
        self.heading_of: list[tuple[int, bool]] = []  # for each passage: heading, right under it?
        self.under_heading = False  # nothing but blank lines since the last heading
        self.direct = False  # emitting the block that comes right after a heading
        self.fresh = False  # the line being read comes right after a heading
        self.pending_direct = False  # the pending commands came right after a heading
        self.output = False  # reading what a command at a prompt printed
        self.dockerfile = False  # the pending commands are lines of a Dockerfile
        self.heading_text: dict[int, str] = {}
        self.programs: set[str] = set()  # programs this file runs in its commands
        self.level = 0  # the level of the last `#` heading: bold pseudo-headings are under it
        self.shown: dict[int, tuple[str, int]] = {}  # a command over lines: its text, last line

    # --- sections -----------------------------------------------------------------------
    @property
    def section(self) -> str:
        top_is_title = not self.headings or self.headings[0][0] > 1
        names = [self.title] if self.title and top_is_title else []
        return " > ".join(names + [h for _, h in self.headings])

    def _heading(self, level: int, text: str, real: bool = True) -> None:
        self.list_intro = ""
        if real:
            self.level = level
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, text))
        self.heading_no += 1
        self.heading_text[self.heading_no] = text
        self.under_heading = True

    # --- emitting -----------------------------------------------------------------------
    def _emit(self, kind: str, text: str, line: int, end: int, command: str | None = None,
              description: str = "", context: str = "",
              flags: tuple[FlagEntry, ...] = ()) -> None:
        if not text.strip():
            return  # an empty fence or a lone `:` is nothing to answer with
        # a description says what a command does, not that it follows (`…还原：`)
        description, context = _plain(description).rstrip(" ：:"), _plain(context)
        if description:  # `1）把代码页切到 UTF-8`: the step
            description = _STEP_NUMBER.sub("", description)
        if kind == "command" and command:
            alias = _ALIAS.match(command)  # `alias esc='curl …'`: esc is run as a program
            self.programs.add(alias.group(1) if alias else _program(command))
        title = self._callout_title(line)
        if title and kind == "command" and title not in context + description:
            # `> [!warning] 远程改防火墙前` over the commands it holds: what they are about
            context = f"{title} {context}"
        elif title and kind == "prose" and title not in text:
            text = f"{title}\n{text.strip()}"  # (`!!! tip "国内镜像"` over what it says)
        if self.parents and kind != "flag":  # `- 日常操作：` over this item
            context = self.parent_text
            if kind == "prose":
                text = f"{context}\n{text.strip()}"
        self.heading_of.append((self.heading_no, self.direct))
        self.out.append(Passage(kind, text.strip(), command, description.strip(), self.section,
                                Source(self.path, line, end), context.strip(), flags))

    def _callout_title(self, line: int) -> str:
        """The title of the innermost callout (`> [!tip] 标题`, `!!! tip "标题"`, `::: warning
        标题`) that line number `line` stands in; "" outside any."""
        if not self.containers:
            return ""
        inside = [(start, title) for start, (title, end) in self.containers.items()
                  if start < line <= end]
        return max(inside)[1] if inside else ""

    def _flush_paragraph(self) -> None:
        inline, self.inline = self.inline, []
        told: dict[int, list[str]] = {}  # the sentences command passages show, by line
        for code, sentence, phrase, no in inline:
            cmd = _clean_command(_strip_comment(code)[0])
            description = _unmark(phrase)
            self._emit("command", sentence, no, no, cmd, description,
                       flags=tuple(self._prose_flags(description)))
            told.setdefault(no, []).append(sentence)
        lines = [(_untold(t, told.get(no, ())), no) for t, no in self.paragraph]
        lines = [(t, no) for t, no in lines if t]  # prose for what no command passage says
        self.paragraph = []
        if not lines:
            return
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
        """`-m参数是添加注释`, `` `-t` TCP，`-l` 只看监听 `` -> flag entries of the command the
        notes were just talking about."""
        if "-" not in text:  # (what both patterns need)
            return
        found = [(m.group("flag"), m.group("desc")) for m in _PROSE_FLAG.finditer(
            text.replace("`", ""))]
        listed = list(_CODE_FLAG_LIST.finditer(text)) if "`-" in text else []
        if len(listed) >= 2 or listed and listed[0].start() == 0:  # a list, not a mention
            for m in listed:
                if m.group("flag") not in {name for name, _ in found}:
                    found.append((m.group("flag"), m.group("desc")))
        for name, desc in found:
            if name.lstrip("-").isdigit() and f"`{name}`" not in text:
                continue  # `返回 -1 表示…`: a number, not a flag
            family = self._family_using(name) or self.last_family
            long = name if name.startswith("--") else None
            yield FlagEntry(None if long else name, long, None, desc.strip(), family)

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
        self.dockerfile = False
        self.direct, self.pending_direct = self.pending_direct, False
        try:
            self._emit_commands(group)
        finally:
            self.direct = False

    def _emit_commands(self, group: list[tuple[str, int]]) -> None:
        intro = self.intro
        self.intro = None
        lead = self._lead_in()
        head = _intro_head(intro[0]) if intro else ""
        for raw, no in group:
            cmd, comment = _strip_comment(_SESSION_PROMPT.sub("", raw, count=1))
            cmd = _clean_command(cmd)
            if not cmd:
                continue
            text, end = self.shown.get(no, (raw.strip(), no))
            description, context, start = comment, lead, no
            if intro and not comment and len(group) == 1:
                description, text, start = intro[0], f"{intro[0]}\n{text}", intro[1]
            elif intro:
                context = intro[0]
                if not comment and _names_group(intro[0], len(group)):
                    description = intro[0]  # `Restore it into a new database:` over two
                if head:  # told once, with the first command
                    text, start, head = f"{head}\n{text}", intro[1], ""
            kind = "code" if _DOCKERFILE_LINE.match(cmd) else "command"
            if kind == "code" and not description:
                description = DOCKERFILE  # what an instruction line is, said in words
            if kind == "command":
                self.last_family = command_family(cmd) or self.last_family
            self._emit(kind, text, start, end, cmd, description, context,
                       tuple(self._prose_flags(description)))

    def _lead_in(self) -> str:
        """The paragraph just before a run of commands, in the same section: their context."""
        if self.out and self.out[-1].kind == "prose" and self.out[-1].section == self.section:
            return self.out[-1].text[:MAX_PROSE]
        return ""

    def _command(self, raw: str, no: int) -> None:
        if not self.pending and not self.intro and len(self.paragraph) == 1 \
                and self.paragraph[0][1] == no - 1 and _LABEL_LINE.match(self.paragraph[0][0]):
            # `查看所有容器` right over `docker ps -a`: a label, as if it ended in a colon
            self.intro, self.paragraph = self.paragraph[0], []
        self._flush_paragraph()
        if not self.pending:
            self.pending_direct = self.fresh
        self.pending.append((raw, no))

    def _prose(self, text: str, no: int, intro: bool = False, item: bool = False) -> None:
        self._flush_commands()
        if item and self.intro:  # `用 musl 目标：` over steps: the context of each step's code
            self.list_intro = self.intro[0]
        stripped = text.strip()
        if (intro or _INTRO_END.search(stripped)) and self.intro and not item \
                and not self.paragraph and no > self.intro[1] + 1:
            # an introducing paragraph under another (`从库报 1062 以后：`, a blank line, then
            # `没开 GTID 的：`): both say what the commands below are for
            self.intro = (f"{self.intro[0]} {_COLON_END.sub('', stripped)}", self.intro[1])
            return
        self._drop_intro()
        if intro or _INTRO_END.search(stripped):
            if not _CJK.search(stripped):  # (English wrapped at a width: the sentence leads)
                stripped, no = self._sentence_leading(stripped, no)
            self._flush_paragraph()
            self.intro = (_COLON_END.sub("", stripped), no)
            return
        self.paragraph.append((stripped, no))

    def _sentence_leading(self, line: str, no: int) -> tuple[str, int]:
        """This introducing line with the start of its first sentence, when the lines of the
        paragraph were wrapped at a width (`This support requires … (for the version` over
        `control system being used). It is used through URL prefixes:`): the sentences
        before stay in the paragraph, which is prose of its own. With the line it starts on."""
        parts = [line]
        while self.paragraph and not _SENTENCE_STOP.search(self.paragraph[-1][0][-1:] + " "):
            text, no = self.paragraph.pop()
            ends = [m.end() for m in _SENTENCE_STOP.finditer(_masked(text))]
            if ends:
                self.paragraph.append((text[:ends[-1]].strip(), no))
                text = text[ends[-1]:].strip()
            parts.insert(0, text)
            if ends:
                break
        return " ".join(parts), no

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
    def _code_block(self, body: list[tuple[str, int]], lang: str, nested: bool = False,
                    file: bool = False) -> None:
        """A fenced or indented block: flag table, commands, or one code passage. (A block
        indented under a list item keeps the line that introduced the list as context; one
        showing a file's content (`file`) has no command to type, only settings.)"""
        self._flush_paragraph()
        self._flush_commands()
        if not nested:
            self.list_intro = ""
        self.direct, self.under_heading = self.under_heading, False
        try:
            self._block(body, lang, file)
        finally:
            self.direct = False

    def _block(self, body: list[tuple[str, int]], lang: str, file: bool = False) -> None:
        family = None
        usage: tuple[str, str, int] | None = None  # `Usage: docker run [OPTIONS] IMAGE`
        for text, no in body:
            m = _USAGE.match(text)
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
        if self._line_wise(body, lang) or self._keys(body):
            return
        self._flush_commands()
        if not body:
            return
        text = "\n".join(t for t, _ in body)
        intro = self.intro
        self.intro = None
        if lang.lower() in _SETTINGS_LANGS:
            self._settings(body, intro[0] if intro else self._lead_in())
        start = intro[1] if intro else body[0][1]
        shown = f"{intro[0]}\n{text}" if intro else text
        first = None if file else next((t for t, _ in body if looks_like_command(t)), None)
        if lang.lower() in _MAKE_LANGS or any(t.startswith("\t") for t, _ in body) and any(
                re.match(r"[\w.%/$()-]+\s*:(?!=)", t) for t, _ in body):
            first = None  # a Makefile: its recipe lines run inside make, not at a prompt
        self._emit("code", shown, start, body[-1][1],
                   _clean_command(_strip_comment(first)[0]) if first else None,
                   intro[0] if intro else "")

    def _settings(self, body: list[tuple[str, int]], context: str) -> None:
        """A configuration block whose comments say what lines do (`# 按客户端 IP 限流` over
        `limit_req_zone …;`, `shared_buffers = 4GB  # 内存的 1/4`): each such line is a passage
        of its own, the comment its description, the sections it sits in (`server`, `location
        /api/`) its context. (The block stays a passage too.)"""
        said = ""
        within: list[str] = []
        for t, no in body:
            line = t.strip()
            comment = _SETTING_COMMENT.match(line)
            if comment:
                said = f"{said} {comment.group(1).strip()}".strip() if said else \
                    comment.group(1).strip()
                continue
            if line.endswith("{"):
                within.append(line[:-1].strip())
            elif line.startswith("}"):
                within = within[:-1]
            setting, trailing = _strip_comment(line) if "#" in line else (line, "")
            described = trailing or said
            said = ""
            if not described or not setting or setting in ("{", "}") or len(setting) > 200:
                continue
            where = " ".join(within[:-1] if line.endswith("{") else within)
            setting = setting.rstrip("{").strip() if line.endswith("{") else setting
            if setting:  # (`{{` alone sets nothing)
                self._emit("code", f"{described}\n{line}" if not trailing else line, no, no,
                           setting, described, f"{context} {where}".strip())

    def _line_wise(self, body: list[tuple[str, int]], lang: str) -> bool:
        """A block of commands (shell comments describing them), a session at a prompt
        (`$ `, `mysql> `: the lines after a prompted line are its output), SQL statements or
        Dockerfile instructions: one passage a command. Returns False when the block is
        something else (code, output)."""
        lang = lang.lower()
        shell = lang in _SHELL_LANGS
        items: list[_Item] | None
        if lang in _SQL_LANGS:
            items = _sql_statements(body)
        elif lang in _DB_SHELL_LANGS:
            items = _db_calls(body)
        elif shell or lang in ("", "dockerfile", "docker", "text", "txt"):
            items = _block_items(body, shell, lang)
        else:
            return False
        if not items or not any(kind != "#" for *_, kind in items):
            return False
        self._flush_commands()
        intro = self.intro
        self.intro = None
        runnable = [i for i in items if i[4] != "#"]
        lead = intro[0] if intro else self._lead_in()
        steps = self.list_intro
        if intro and _THEN.fullmatch(intro[0]) and self.out \
                and self.out[-1].section == self.section:
            # `然后：` says only that this is the next step of what the block above began
            lead = steps = self.out[-1].context or self.out[-1].description or lead
        head = _intro_head(intro[0]) if intro and len(runnable) > 1 else ""
        described: str = ""
        for t, cmd, n, end, kind in items:
            if kind == "#":
                described = _SHELL_COMMENT.match(t).group(1).strip()  # type: ignore[union-attr]
                continue
            comment = ""
            if kind == "command":
                cmd, comment = _strip_comment(cmd)
            description, context, text, start = comment or described, lead, t.strip(), n
            if not description and intro and len(runnable) == 1:
                description, context, start = intro[0], steps, intro[1]
                text = f"{intro[0]}\n{t.strip()}"
            elif not description and intro and _names_group(intro[0], len(runnable)):
                description = intro[0]
            cmd = _clean_command(cmd)
            if not cmd:
                continue
            if head:  # told once, with the first command
                text, start, head = f"{head}\n{text}", intro[1], ""  # type: ignore[index]
            if kind == "code" and not description:
                description = DOCKERFILE
            if kind == "command":
                self.last_family = command_family(cmd) or self.last_family
            self._emit(kind, text, start, end, cmd, description, context,
                       tuple(self._prose_flags(description)))
            described = ""
        return True

    def _keys(self, body: list[tuple[str, int]]) -> bool:
        """Lines of keys, then two spaces and what each does (`\\dt   list tables`, `:vsp file
        open file in a vertical split`): a command passage a line. False when the lines
        (two at least) are not all such."""
        rows = [(_two_columns(t), t, no) for t, no in body if t.strip()]
        if len(rows) < 2 or not all(r for r, _, _ in rows):
            return False
        self._flush_commands()
        intro, self.intro = self.intro, None
        for (key, desc), t, no in rows:  # type: ignore[misc]
            self._emit("command", t, no, no, key, desc, intro[0] if intro else "")
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
        cells = [(*_table_cells(t), n) for t, n in rows if not _TABLE_RULE.match(t)]
        if not cells:
            return
        header = len(rows) > 1 and _TABLE_RULE.match(rows[1][0])
        self._table_rows([(row, no, code) for row, code, no in (cells[1:] if header else cells)])

    def _html_table(self, i: int) -> int:
        """An HTML table (`<table>` to `</table>`): its rows are read as a Markdown table's,
        a `<th>` row as its header. Returns the index of the line after it (`i` when the
        table is never closed)."""
        j = i
        while j < len(self.lines) and "</table>" not in self.lines[j].lower():
            j += 1
        if j == len(self.lines):
            return i  # never closed: not a table to read rows from
        self._break()
        rows: list[tuple[list[str], int, frozenset[int]]] = []
        for k in range(i, j + 1):
            for piece in _HTML_ROW.split(self.lines[k])[1:]:
                rows.append(([], k + 1, frozenset()))
                self._html_cells(piece, rows)
            if not _HTML_ROW.search(self.lines[k]) and rows and "</tr>" not in "".join(
                    self.lines[rows[-1][1] - 1:k]).lower():
                self._html_cells(self.lines[k], rows)  # a row's cells on lines of their own
        self._table_rows([r for r in rows if r[0] and not r[0][0].startswith("\0")])
        return j + 1

    @staticmethod
    def _html_cells(text: str, rows: list[tuple[list[str], int, frozenset[int]]]) -> None:
        """Add the cells of `text` (HTML) to the last row; a header cell marks the row."""
        cells, no, code = rows[-1]
        parts = _HTML_CELL.split(text)  # before, tag, cell, tag, cell, …
        for tag, piece in zip(parts[1::2], parts[2::2], strict=True):
            inner = piece.split("</t", 1)[0]
            if inner.lstrip().lower().startswith("<code"):
                code |= {len(cells)}
            words = " ".join(html.unescape(_HTML_TAG.sub("", inner)).split())
            cells.append(("\0" if tag.lower() == "th" else "") + words)
        rows[-1] = (cells, no, code)

    def _table_rows(self, body: list[tuple[list[str], int, frozenset[int]]]) -> None:
        """Table rows (cells, line, which cells are code): flag rows become flag entries,
        command rows commands, others prose. The command is the first cell's, or a later
        cell's written as code (`| 打包跳过测试 | `mvn package -DskipTests` |`)."""
        family = family_in_text(self.intro[0]) if self.intro else None
        family = family or family_in_text(self.section) or self.last_family
        self.intro = None
        for row, no, code in body:
            first = row[0] if row else ""
            rest = " ".join(c for c in row[1:] if c)
            names = re.findall(_FLAG_NAME, first)
            if names and _FLAG_CELL.fullmatch(first):
                short = next((n for n in names if not n.startswith("--")), None)
                long = next((n for n in names if n.startswith("--")), None)
                entry = FlagEntry(short, long, None, rest, family)
                self._emit("flag", " | ".join(row), no, no, None, rest, family or "", (entry,))
            elif (at := _command_cell(row, code, self.programs)) is not None:
                # `| `:q!` | quit without saving |`: what a key or command in code does
                cmd, comment = _strip_comment(row[at])
                rest = " ".join(c for k, c in enumerate(row) if c and k != at)
                self._emit("command", " | ".join(row), no, no, _clean_command(cmd), rest or comment)
            else:
                self._emit("prose", " | ".join(row), no, no, description=rest)

    # --- the walk -----------------------------------------------------------------------
    def run(self) -> list[Passage]:
        lines = self.lines
        i = self._front_matter()
        n = len(lines)
        while i < n:
            if ">" in lines[i] and _QUOTE_MARK.match(lines[i]):
                self._unquote(i)
            line = lines[i]
            no = i + 1
            stripped = line.strip()
            if stripped.startswith("#") and _TAG_LINE.match(stripped):
                i += 1  # `#linux #vpn`: tags are metadata, not words to answer with
                continue
            if _THEMATIC_BREAK.match(line) and not self.output:
                self._break()  # `***`, `---`: parts of a file set apart, nothing to answer with
                self._drop_intro()
                i += 1
                continue
            fence = _fence(line)
            if fence:
                marker = fence.group(2)
                body = []
                j = i + 1
                while j < n and not lines[j].strip().startswith(marker):
                    body.append((lines[j].rstrip(), j + 1))
                    j += 1
                lang, shown = _titled(line, fence.group(3))
                self._code_block(body, lang, nested=bool(fence.group(1)), file=shown)
                i = j + 1
                continue
            if not stripped:
                self._flush_paragraph()
                self.output = False
                i += 1
                continue
            label = _ANSWER_LABEL.match(stripped)
            if label:  # `**A:** …`: the answer to the question above says what follows
                line = stripped = stripped[label.end():]
                if not stripped:
                    i += 1
                    continue
            bold = _BOLD_LINE.match(stripped)
            if bold and _INTRO_END.search(bold.group(1) or bold.group(2)):
                line = stripped = (bold.group(1) or bold.group(2)).strip()  # `**示例：**`
            # (a `#` line in a quote, `> # -*- coding: utf-8 -*-`, heads no part of the note)
            heading = _HEADING.match(line) if i not in self.quoted else None
            level, title, skip = (len(heading.group(1)), heading.group(2), 1) if heading \
                else self._heading_like(i, stripped) if i not in self.quoted else (0, None, 1)
            real = skip == 2 or bool(heading)  # a bold line stands under the last heading
            if title is not None:
                self._break()
                self._drop_intro()
                self.parents = []
                self._heading(level, _WIKILINK.sub(r"\1", title), real)
                if heading:
                    self._heading_command(title, i)
                i += skip
                continue
            after_html = self._html(i) if stripped.startswith("<") else i
            if after_html != i:
                i = after_html
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
                # (a session at a prompt, `$ psql …` then `appdb=> \dt`, is one too)
                if any(parse_flag_line(t, None) for t, _ in body[:1]) or all(
                        looks_like_command(t) or not t.strip() for t, _ in body) \
                        or _SESSION_PROMPT.match(body[0][0]):
                    self._code_block(body, "")
                    i = j
                    continue
                if _SQL_BLOCK.match(body[0][0]) and body[-1][0].rstrip().endswith(";"):
                    self._code_block(body, "sql")  # `    select … from …;` over some lines
                    i = j
                    continue
            if not self.paragraph and _two_columns(line) and i + 1 < n \
                    and _two_columns(lines[i + 1]) and not _LIST.match(line):
                j = i
                while j < n and _two_columns(lines[j]) and not _LIST.match(lines[j]):
                    j += 1
                self._break()
                self._keys([(lines[k], k + 1) for k in range(i, j)])
                i = j
                continue
            if _TABLE_ROW.match(line):
                j = i
                while j < n and _TABLE_ROW.match(lines[j]):
                    j += 1
                self.under_heading = False
                self._md_table([(lines[k], k + 1) for k in range(i, j)])
                i = j
                continue
            j = self._command_extent(i)
            if j > i + 1:  # a command over lines: continued with `\\`, or a heredoc
                text, _, end = _join_continuations([(lines[k], k + 1) for k in range(i, j)])[0]
                self.shown[no] = (text.strip(), end)
                line = text.split("\n", 1)[0]
            self._line(line, no)
            i = j
        self._break()
        self._drop_intro()
        self._heading_descriptions()
        return self.out

    def _heading_like(self, i: int, stripped: str) -> tuple[int, str | None, int]:
        """A line that stands for a heading: (level, its words, lines it takes), words None
        when it is none. A paragraph's one line underlined with `===` or `---` (setext); a
        paragraph that is one bold line (`**查看日志**`, `**Q: 怎么解封？**`), under the last
        `#` heading. Not a bold line that introduces (`**示例：**`) or ends a sentence."""
        if i and self.lines[i - 1].strip() or _LIST.match(stripped) or self.output:
            return 0, None, 1
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else ""
        asked = _ASKED.match(stripped)
        if asked and _ANSWER_LABEL.match(nxt):
            # a question answered below it heads its answer, which goes on without its label
            self.lines[i + 1] = _ANSWER_LABEL.sub("", nxt, count=1)
            return self.level + 1, asked.group(1), 1
        setext = _SETEXT.match(nxt)
        if setext and not looks_like_command(stripped) and not stripped.startswith(("|", "<")):
            return (1 if setext.group(1) == "=" else 2), stripped, 2
        bold = _BOLD_LINE.match(stripped)
        if not bold:
            return 0, None, 1
        words = (bold.group(1) or bold.group(2)).strip()
        asked = _QUESTION_LABEL.match(words)  # `**Q: I committed to main.**`: whatever ends it
        if len(words) > (160 if asked else 80) or not asked and re.search(
                r"[：:。.!！;；]$", words):
            return 0, None, 1
        return self.level + 1, _QUESTION_LABEL.sub("", words), 1

    def _unquote(self, i: int) -> None:
        """A blockquote (`> …` lines from line `i` on) holds Markdown of its own: its lines are
        read without the marks, so a fence or a session in a quote is one. An Obsidian callout's
        `[!tip]` mark goes; its title stays a line of its own."""
        j = i
        while j < len(self.lines) and _QUOTE_MARK.match(self.lines[j]):
            self.lines[j] = _QUOTE_MARK.sub("", self.lines[j], count=1)
            self.quoted.add(j)
            j += 1
        callout = _CALLOUT.match(self.lines[i])
        if callout:
            self.lines[i] = callout.group(1)
            self.containers[i] = (_unmark(callout.group(1)), j)

    def _command_extent(self, i: int) -> int:
        """Where the command line `i` ends (exclusive): after the lines it continues on with a
        trailing backslash, and after the body of a heredoc it opens."""
        lines = self.lines
        j = i
        if not looks_like_command(lines[i].strip()):
            return i + 1
        while j + 1 < len(lines) and lines[j].rstrip().endswith("\\"):
            j += 1
        heredoc = _HEREDOC.search(_strip_comment(lines[j])[0])
        if heredoc:
            word = heredoc.group("word")
            end = next((k for k in range(j + 1, len(lines)) if lines[k].strip() == word), j)
            j = end
        return j + 1

    def _html(self, i: int) -> int:
        """HTML in the notes: a comment (`<!-- … -->`, maybe over lines) or a line of tags is
        nothing to answer with; `<summary>…</summary>` introduces what the block holds. Returns
        the index of the next line to read (`i` when line `i` is not such HTML)."""
        line = self.lines[i]
        if _HTML_TABLE.match(line):
            return self._html_table(i)
        if line.lstrip().startswith("<!--"):
            j = i
            while j < len(self.lines) and "-->" not in self.lines[j]:
                j += 1
            self._flush_paragraph()
            return j + 1 if j < len(self.lines) else i + 1  # never closed: that line only
        if _HTML_PRE.match(line):
            return self._html_pre(i)
        summary = _SUMMARY.match(line)
        if summary:
            # what a <details> block holds stands under its summary, as under a heading
            self._break()
            self._drop_intro()
            if summary.group(1).strip():
                self.parents = []
                self._heading(self.level + 1, summary.group(1).strip(), real=False)
                self.summaries.append(len(self.headings))
            return i + 1
        if _HTML_TAGS.match(line):
            self._flush_paragraph()
            if "</details>" in line and self.summaries:
                self._break()
                del self.headings[self.summaries.pop() - 1:]  # (the summary's heading ends)
            return i + 1
        return i

    def _html_pre(self, i: int) -> int:
        """`<pre><code class="language-bash">…</code></pre>` (pasted from a web page): a fenced
        block, its lines without tags and entities. Returns the index of the line after it (`i`
        when it is never closed)."""
        j = next((k for k in range(i, len(self.lines)) if "</pre>" in self.lines[k].lower()),
                 None)
        if j is None:
            return i
        lang = _HTML_LANG.search(self.lines[i])
        body = []
        for k in range(i, j + 1):
            text = self.lines[k]
            if k == i:
                text = text[_HTML_PRE.match(text).end():]  # type: ignore[union-attr]
            if k == j:
                text = text[:text.lower().index("</pre>")]
            body.append((html.unescape(_HTML_TAG.sub("", text)).rstrip(), k + 1))
        while body and not body[-1][0].strip():
            body.pop()
        if body:
            self._code_block(body, lang.group(1) if lang else "")
        return j + 1

    def _heading_command(self, title: str, i: int) -> None:
        """A heading that is a command, maybe with what it does (`### docker ps -a 查看所有容器`,
        `## `docker system prune -a` —— 清理`, `### 查看日志 docker logs -f web`): a command
        passage; a heading of the command alone is described by the line under it."""
        text = _PROMPT.sub("", _HEADING_NUMBER.sub("", title.strip()))
        spans = _command_spans(text, self.programs)
        if spans:
            cmd = spans[0].group(1)
            words = CODE_SPAN.sub(" ", text)
        else:
            start = re.search(r"[A-Za-z./]", text)
            if not start:
                return
            cmd, words = text[start.start():], text[:start.start()]
            said = _SAID_AFTER.search(cmd)
            if said:
                if words.strip():
                    return  # (`误用 reset --hard 把提交弄丢了`: a sentence naming a command)
                cmd, words = cmd[:said.start()], said.group(1)
            tokens = cmd.split()
            if len(tokens) < 2 or not looks_like_command(cmd) or _CJK.search(cmd) \
                    or not _arguments_like(tokens):
                return  # (`ffmpeg scratchpad`: a program's name and a word)
        words = words.strip(" —–-:：|·")
        if not words:  # (the line under the heading says what it does)
            nxt = next((ln.strip() for ln in self.lines[i + 1:i + 4] if ln.strip()), "")
            words = nxt if nxt and not nxt.startswith(("#", "`", "|", "-", "*", ">", "<")) \
                and _CJK.search(nxt) else ""
        self._emit("command", f"{title}\n{words}" if words and words not in title else title,
                   i + 1, i + 1, _clean_command(cmd), words)

    def _heading_descriptions(self) -> None:
        """A command with no words of its own, in the block right under a heading or under a
        heading over few commands, does what the heading says (`### 如何把最近三次提交合并成
        一个？` over `git rebase -i HEAD~3`)."""
        counts: dict[int, int] = {}
        for p, (h, _) in zip(self.out, self.heading_of, strict=True):
            if p.kind in ("command", "code"):
                counts[h] = counts.get(h, 0) + 1
        for k, (p, (h, direct)) in enumerate(zip(self.out, self.heading_of, strict=True)):
            if h and p.kind in ("command", "code") and not p.description \
                    and (direct or counts[h] <= _HEADING_COMMANDS):
                words = _heading_words(self.heading_text[h])
                if _DATE.match(words):  # a journal's `## 2024-03-05`: the line above says more
                    words = p.context if "\n" not in p.context and len(p.context) <= 120 else ""
                self.out[k] = replace(p, description=words)

    def _line(self, line: str, no: int) -> None:
        self.fresh, self.under_heading = self.under_heading, False
        if "[^" in line:
            line = _unfootnoted(line)
        if self.output and not _SESSION_PROMPT.match(line) and not _CJK.search(line) \
                or _BARE_PROMPT.match(line):
            return  # what the command at the prompt printed (`COPY 1532`), or a bare prompt
        self.output = False
        item = _LIST.match(line)
        said = item.group(1).strip() if item else line.strip()
        if _TO_DO.match(said) and not CODE_SPAN.search(said):
            # `- [ ] 补一下 ZFS 的笔记`, `TODO: …`: what the notes do not say yet (a step of a
            # checklist with its command, `- [ ] 重载 `nginx -s reload``, is said)
            self._break()
            return
        if not item:
            self.list_intro = ""
        indent = len(line) - len(line.lstrip())
        self._close_parents(indent, item is not None)
        text = _CHECKBOX.sub("", item.group(1).strip()) if item else line.strip()
        if item and self._has_children(no, indent):
            # `- 日常操作：` over indented items: what it says is their context, not an answer
            self._break()
            self._drop_intro()
            if _command_spans(text) or looks_like_command(text.strip("`")):
                self._text_line(line, text, no, item)
                self._break()
            self.parents.append((indent, _unmark(_COLON_END.sub("", text))))
            return
        self._text_line(line, text, no, item)

    def _text_line(self, line: str, text: str, no: int, item: re.Match[str] | None) -> None:
        quote = _QUOTE.match(text)
        if quote:
            text = quote.group(1).strip()
            if not text:
                return
        code = _INLINE_CODE_LINE.match(text)
        if code:
            self._command(code.group(1), no)
            return
        prompt = _session_prompt(text)
        if prompt and runnable(text[prompt.end():]):  # `$ createdb db`, `appdb=# select 1;`
            self._command(text, no)
            self.output = True
            return
        if looks_like_command(text):
            self._command(text, no)
            return
        if _DOCKERFILE_LINE.match(text) and (text.startswith("FROM") or self.dockerfile):
            self._command(text, no)
            self.dockerfile = True  # the instructions after a FROM line
            return
        if self.table_family or parse_flag_line(line, None) and line.lstrip().startswith("-") \
                and not item:
            family = self.table_family or self._flag_family()
            entry = parse_flag_line(line, family)
            if entry:
                self._flush_commands()
                self._flush_paragraph()
                self._emit("flag", text, no, no, None, entry.description, family or "", (entry,))
                return
        if self._definition(text, no, item is not None):
            return
        m = _DESC_THEN_CMD.match(text) if _has_pointer(text) else None
        cmd_part = m.group("cmd") if m else ""
        one = _ONE_SPAN.match(cmd_part)
        cmd_part = one.group(1) if one else "" if "`" in cmd_part else cmd_part
        if m and (runnable(cmd_part) or bool(_STATEMENT.match(cmd_part)) or _statement(cmd_part)
                  if one
                  else looks_like_command(cmd_part)):
            self._flush_commands()
            self._flush_paragraph()
            cmd, comment = _strip_comment(cmd_part)
            self.last_family = command_family(cmd) or self.last_family
            self._emit("command", text, no, no, _clean_command(cmd),
                       comment or m.group("desc"), self._take_intro(),
                       tuple(self._prose_flags(comment)))
            return
        if item and self._item(text, no):
            return
        if self._alone(text, no):
            self._command(text, no)
            return
        spans = _command_spans(text, self.programs)
        if spans:  # commands a sentence mentions: answers of their own, the sentence says why
            self._flush_commands()
            seen = {code for code, *_, n in self.inline if n == no}
            english = not _CJK.search(text)
            for k, m in enumerate(spans):
                if m.group(1) not in seen and not _forbidden(text, m.start()):
                    seen.add(m.group(1))
                    if english:  # the sentence, and what it says besides the command
                        sentence = _clause(text, m.start(), _SENTENCE_STOP)
                        phrase = _without_commands(sentence)
                    else:
                        sentence = _clause(text, m.start())
                        phrase = _said_before(_clause(text, m.start(), _PHRASE_END), m.group(0))
                    phrase = _next_step(text, spans, k) or phrase
                    self.inline.append((m.group(1), sentence, phrase, no))
        self._prose(text, no, intro=item is not None and self._code_under(no, line),
                    item=item is not None)

    def _code_under(self, no: int, line: str) -> bool:
        """Is the line after list item `no` its continuation, one inline code line (`- 启动接口`
        over an indented `` `sudo wg-quick up wg0` ``)? Then the item introduces that code."""
        nxt = self.lines[no] if no < len(self.lines) else ""
        indent = len(line) - len(line.lstrip())
        return len(nxt) - len(nxt.lstrip()) > indent and bool(_INLINE_CODE_LINE.match(nxt))

    def _alone(self, text: str, no: int) -> bool:
        """Is this line a command standing alone where a command is expected: a paragraph of
        its own, right under a heading or after a line introducing it (`ansible-vault encrypt
        vars.yml`), a program and its arguments with a path, file or flag among them?"""
        if not (self.fresh or self.intro) or self.paragraph or no < len(self.lines) and \
                self.lines[no].strip():
            return False
        return runnable(text) and bool(_ARGUMENT_LOOK.search(text)) and not text.endswith(
            (".", "!", "?", ":"))

    def _item(self, text: str, no: int) -> bool:
        """A list item naming commands in inline code: one command passage each, described by
        the item's words (`` `npm ci`：严格按 lock 文件装 ``, `1. 先用 `git reflog` 查看…`). An
        item led by code that is no command (`` `daily`：每天轮转 ``) is a passage of its own."""
        first = _CODE_FIRST.match(text)
        spans = _command_spans(text, self.programs)
        if first and (not spans or spans[0].start() == 0) and len(spans) <= 1:
            code = first.group("code")
            if not (looks_like_command(code) or _STATEMENT.match(code) or _statement(code)
                    or _a_program(code)):
                self._break()
                self._prose(text, no)
                self._flush_paragraph()
                return True
            found = [(code, _unmark(first.group("desc")))]
        elif spans:
            # (a command after 然后 is the next step of the one before it: that one is what
            # the item is for; 然后 says all this one is for)
            found = [(m.group(1), _next_step(text, spans, k) or _unmark(_clause(text, m.start())))
                     for k, m in enumerate(spans)]
        else:
            return False
        self._break()
        # `按顺序敲下面这些：` over a list: the context of every item of it
        context = self.list_intro = self._take_intro() or self.list_intro
        for code, description in found:
            cmd, comment = _strip_comment(code)
            cmd = _clean_command(cmd)
            if cmd:
                self.last_family = command_family(cmd) or self.last_family
                self._emit("command", text, no, no, cmd, comment or description, context,
                           tuple(self._prose_flags(description)))
        return True

    def _definition(self, text: str, no: int, item: bool) -> bool:
        """`**--user**: 装到用户目录`, `- **-y**: 自动回答 yes`, `` - `-z` compress data ``:
        a flag entry (not `` `-t` TCP，`-l` 只看监听 ``: flags listed in a sentence)."""
        m = _DEF_FLAG.match(text) or item and _CODE_FLAG_ITEM.match(text)
        if not m or m.re is _CODE_FLAG_ITEM and len(_CODE_FLAG_LIST.findall(text)) > 1:
            return False
        self._break()
        more = m.groupdict().get("more")
        names = re.findall(_FLAG_NAME, m.group("names")) + ([more] if more else [])
        short = next((n for n in names if not n.startswith("--")), None)
        long = next((n for n in names if n.startswith("--")), None)
        family = self._flag_family()
        entry = FlagEntry(short, long, m.group("value"), m.group("desc").strip(), family)
        self._emit("flag", text, no, no, None, entry.description, family or "", (entry,))
        return True

    def _flag_family(self) -> str | None:
        """The command a flag listed in the text belongs to: the one its intro names, else the
        nearest heading naming a program, else the command the notes were talking about."""
        family = family_in_text(self.intro[0]) if self.intro else None
        for _, heading in reversed(self.headings):
            family = family or family_in_text(heading)
        return family or self.last_family

    def _take_intro(self) -> str:
        """The introducing line, as the context of the command that takes it."""
        intro, self.intro = self.intro, None
        return intro[0] if intro else ""

    # --- nested lists -------------------------------------------------------------------
    def _has_children(self, no: int, indent: int) -> bool:
        """Is the list item at line `no` followed by more deeply indented items?"""
        for j in range(no, len(self.lines)):
            nxt = self.lines[j]
            if nxt.strip():
                return bool(_LIST.match(nxt)) and len(nxt) - len(nxt.lstrip()) > indent
        return False

    def _close_parents(self, indent: int, item: bool) -> None:
        """A list item at the depth of a parent (or text at its depth) ends that parent."""
        keep = len(self.parents)
        while keep and (self.parents[keep - 1][0] >= indent if item
                        else self.parents[keep - 1][0] >= indent - 1):
            keep -= 1
        if keep < len(self.parents):
            self._break()
            del self.parents[keep:]

    @property
    def parent_text(self) -> str:
        return " > ".join(t for _, t in self.parents)

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
    for m in _LOWER_WORD.finditer(text):
        if m.group(0) in PROGRAMS:
            return command_family(text[m.start():])
    return None


def _join_continuations(body: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """Shell lines ending in a backslash continue on the next line; the lines of a heredoc
    (`cat > f <<'EOF'` up to `EOF`) belong to the line that opens it, shown below it: (text,
    first, last line). The command of a text of several lines is its first line."""
    out: list[tuple[str, int, int]] = []
    carry = ""
    start = 0
    k = 0
    while k < len(body):
        text, no = body[k]
        k += 1
        if carry:
            text = carry + " " + text.strip()
        else:
            start = no
        if text.rstrip().endswith("\\"):
            carry = text.rstrip()[:-1].rstrip()
            continue
        carry = ""
        heredoc = _HEREDOC.search(_strip_comment(text)[0])
        if heredoc:
            end = next((j for j in range(k, len(body))
                        if body[j][0].strip() == heredoc.group("word")), None)
            if end is not None:
                text = "\n".join([text.rstrip()] + [t.rstrip() for t, _ in body[k:end + 1]])
                no, k = body[end][1], end + 1
        out.append((text, start, no))
    if carry:
        out.append((carry, start, body[-1][1]))
    return out


# (shown text, command, first line, last line, kind: '#', 'command' or 'code')
_Item = tuple[str, str, int, int, str]


def _block_items(body: list[tuple[str, int]], shell: bool, lang: str) -> list[_Item] | None:
    """The lines of a shell or plain block as items, None when a line is not a command. In a
    session at a prompt, a prompted line is a command and the lines after it its output, which
    no passage keeps (a command passage ends on its command's line)."""
    lines = [(t, n, e) for t, n, e in _join_continuations(body) if t.strip()]
    prompted = any(_SESSION_PROMPT.match(t) for t, _, _ in lines)
    # a console's `# ` is root's prompt when what follows runs (`# useradd -m deploy`): in a
    # session with no `$ `, or once `$ sudo -i` made one root; else `# ` starts a comment
    root = lang in _CONSOLE_LANGS and not prompted and any(_root_prompt(t) for t, _, _ in lines)
    session = root or prompted
    dockerfile = lang in ("dockerfile", "docker") or any(
        t.lstrip().startswith("FROM ") for t, _, _ in lines)
    items: list[_Item] = []
    for t, n, e in lines:
        head = t.split("\n", 1)[0]  # a heredoc's opening line
        prompt = _SESSION_PROMPT.match(head) or root and _root_prompt(head) \
            if session else None
        if prompt:
            cmd = head[prompt.end():]
            root = root or lang in _CONSOLE_LANGS and bool(_BECOME_ROOT.match(cmd))
            items.append((t, cmd, n, e, "command"))
        elif root and items and items[-1][4] == "command" and _ROOT_PROMPT.match(t):
            continue  # `# /etc/fstab: …` after `# cat /etc/fstab`: what it printed
        elif session and _CONTINUED_PROMPT.match(t) and items and items[-1][4] == "command":
            shown, cmd, start, _, kind = items[-1]
            more = _CONTINUED_PROMPT.sub("", t).strip()
            items[-1] = (f"{shown}\n{t.rstrip()}", f"{cmd} {more}", start, e, kind)
        elif _SHELL_COMMENT.match(t) and (shell or not lang):
            items.append((t, t, n, e, "#"))
        elif session and items and items[-1][4] == "command":
            continue  # output: what the command printed is no command (nor its answer)
        elif looks_like_command(head) or shell and not session and not _CJK.search(
                _strip_comment(head)[0]):
            items.append((t, head, n, e, "command"))
        elif dockerfile and _DOCKERFILE_LINE.match(t):
            items.append((t, t, n, e, "code"))
        else:
            return None
    return items


def _root_prompt(line: str) -> re.Match[str] | None:
    """`# useradd -m deploy`: root's prompt before a command (not `# 设置密码`)."""
    m = _ROOT_PROMPT.match(line)
    return m if m and looks_like_command(line[m.end():]) else None


def _sql_statements(body: list[tuple[str, int]]) -> list[_Item]:
    """A SQL block: each statement (ending in `;` or `\\G`, maybe over several lines) is a
    command; `-- ` lines describe the next one."""
    items: list[_Item] = []
    lines: list[tuple[str, int]] = []
    for text, no in body:
        t = _SESSION_PROMPT.sub("", _CONTINUED_PROMPT.sub("", text)).strip()
        if not t:
            continue
        if t.startswith("--") and not lines:
            items.append((f"# {t[2:].strip()}", t, no, no, "#"))
            continue
        lines.append((t, no))
        if re.search(r"(?:;|\\G)\s*(?:--.*)?$", t):
            items.append(_sql_item(lines))
            lines = []
    if lines:
        items.append(_sql_item(lines))
    return items


def _db_calls(body: list[tuple[str, int]]) -> list[_Item]:
    """A block of a database's JavaScript shell (`db.orders.find(…)`, `show dbs`, `use shop`):
    each call, over the lines its brackets span, is a command; a `//` line describes the
    next one, a `//` after a call describes it. Nothing when the block is other JavaScript."""
    items: list[_Item] = []
    lines: list[tuple[str, int]] = []
    depth = 0
    for text, no in body:
        t = text.strip()
        if not t:
            continue
        if not lines and t.startswith("//"):
            items.append((f"# {t[2:].strip()}", t, no, no, "#"))
            continue
        code = _js_code(t)
        if not lines and not (_DB_CALL.match(code.rstrip("([{,"))
                              or t.startswith(("db.", "rs.", "sh.")) and "(" in t
                              or re.fullmatch(r"(?:show|use)\s+[\w.-]+;?", t)):
            return []
        lines.append((t, no))
        depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        if depth <= 0:
            said = " ".join(x[len(_js_code(x)):].strip().lstrip("/").strip() for x, _ in lines)
            cmd = " ".join(" ".join(_js_code(x) for x, _ in lines).split())
            cmd += f" # {' '.join(said.split())}" if said.strip() else ""
            items.append(("\n".join(x for x, _ in lines), cmd, lines[0][1], lines[-1][1],
                          "command"))
            lines, depth = [], 0
    return items


def _js_code(line: str) -> str:
    """A line of JavaScript without its `// comment` (not the `//` of a URL in a string)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote and line[i - 1] != "\\" else quote
        elif ch in "\"'`":
            quote = ch
        elif line.startswith("//", i) and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def _sql_item(lines: list[tuple[str, int]]) -> _Item:
    shown = "\n".join(t for t, _ in lines)
    cmd = " ".join(re.sub(r"\s+--\s.*$", "", t) for t, _ in lines)
    return shown, cmd, lines[0][1], lines[-1][1], "command"


def _intro_head(intro: str) -> str:
    """The sentences of an introducing line before its last (`一般是后台在跑，等它跑完就行。
    还报错的话：` -> `一般是后台在跑，等它跑完就行。`): what the line says besides introducing
    the commands. A group of commands shows them with its first command."""
    ends = [m.end() for m in _CLAUSE_END.finditer(_masked(intro))]
    return intro[:ends[-1]].strip() if ends and ends[-1] < len(intro) else ""


def _names_group(intro: str, commands: int) -> bool:
    """Does a short introducing line (one phrase) say what each of a few commands does?"""
    return commands <= _HEADING_COMMANDS and len(intro) <= 60 and not _PHRASE_END.search(
        _masked(intro))


def _two_columns(line: str) -> tuple[str, str] | None:
    """`\\d users    describe table users` -> (`\\d users`, `describe table users`); None
    for other lines, flag lines and columns of output (`nginx-7c5   1/1   Running`)."""
    if "  " not in line and "\t" not in line:  # (what the columns' gap needs)
        return None
    m = _TWO_COLUMN.match(line)
    if not m or m.group("key").startswith(("-", "|", ">", "*", "#")):
        return None
    desc = _COMMENT_MARK.sub("", m.group("desc").strip())  # (`docker stop web  // 停止容器`)
    if _COLUMN_GAP.search(desc) or not _TWO_LETTERS.search(desc):
        return None
    return m.group("key"), desc


def _masked(text: str) -> str:
    """The text with the inside of its code spans blanked (same length): punctuation there is
    the command's, not the sentence's."""
    return CODE_SPAN.sub(lambda m: "`" + "x" * len(m.group(1)) + "`", text)


def _command_spans(text: str, known: Set[str] = frozenset()) -> list[re.Match[str]]:
    """The inline code spans of a line that are commands of two words or more (`known`: the
    programs the notes have run elsewhere; those the line runs are known too)."""
    if len(text) > _MAX_SPAN_LINE or "`" not in text:
        return []
    spans = list(CODE_SPAN.finditer(text))
    known = set(known) | {_program(m.group(1)) for m in spans if _names_command(m.group(1))}
    return [m for m in spans if _names_command(m.group(1), known)]


def _arguments_like(tokens: list[str]) -> bool:
    """Do the words after a program read as its arguments (a flag, a subcommand, a path or an
    expression: `ps -a`, `images`, `$(…)`), not as English words (`ffmpeg scratchpad`)?"""
    from qa.glossary import subcommand_words

    second = tokens[1]
    return bool(re.match(r"--?\w", second)) or second in subcommand_words() \
        or bool(re.search(r"[/$.{}<>=:@~*]", second))


def _a_program(code: str) -> bool:
    """Does code start with a program the command glossary knows (`uptime`, `vmstat 1`)?"""
    from qa.glossary import programs

    words = code.split()
    return bool(words) and words[0] in programs() and not _CJK.search(code)


def _part_of_command(word: str) -> bool:
    """Is this word a subcommand (down, logs) rather than a program (docker, top)?"""
    from qa.glossary import programs, subcommand_words

    return word in subcommand_words() and word not in programs() and word not in PROGRAMS


def _statement(code: str) -> bool:
    """Is code a statement of a database's shell (`VACUUM FULL orders;`, `db.killOp(123)`)?"""
    return bool(_SQL_SPAN.match(code) or _DB_CALL.match(code))


def _names_command(code: str, known: Set[str] = frozenset()) -> bool:
    """Is code in a sentence a command? Two words at least; an English word qa does not know
    as a program (`file 'part1.mp4'`, a line of a list file) needs a flag or a third word. A
    program the notes run elsewhere (`restic init --repo …`) is known: `restic snapshots`."""
    words = code.split()
    if _statement(code) or code[:1] == ":" and looks_like_command(code):
        return True
    if ERROR_LINE.match(code):
        return False  # `npm ERR! ERESOLVE …`: what a program printed, quoted
    if words and _part_of_command(words[0]) and words[0] not in known \
            and not re.search(r"[/$&|;<>\"'=]", code):
        return False  # `down -v` in a sentence: a part of `docker compose down -v`
    if len(words) >= 2 and words[0] in known and words[0] not in _WORDLIKE:
        return runnable(code)
    return len(words) >= 2 and looks_like_command(code) and (
        words[0] in PROGRAMS or len(words) >= 3 or words[1].startswith("-"))


def _clause(text: str, at: int, ends: re.Pattern[str] | _Pattern = _CLAUSE_END) -> str:
    """The clause (up to `。；！？`, or `ends`) of `text` around position `at`, with its
    punctuation; the whole text when the clause has little but the command."""
    masked = _masked(text)
    start = max((m.end() for m in ends.finditer(masked, 0, at)), default=0)
    end_m = ends.search(masked, at)
    clause = text[start:end_m.end() if end_m else len(text)].strip().rstrip("，,；;")
    words = CODE_SPAN.sub("", clause).strip(" ，,、：:。；;")
    return clause if len(words) >= 4 else text


# a footnote's mark in a line (`…file`[^bsd]。`) and the mark that starts its text (`[^bsd]: …`)
_FOOTNOTE_MARK = _Pattern(r"\[\^[\w-]{1,32}\](?!:)|^\s*\[\^[\w-]{1,32}\]:\s*")


def _unfootnoted(line: str) -> str:
    """A line without its footnote marks (outside code: `[^a-z]` in `grep '[^a-z]'` stays)."""
    masked = _masked(line)
    for m in reversed(list(_FOOTNOTE_MARK.finditer(masked))):
        line = line[:m.start()] + line[m.end():]
    return line


def _next_step(text: str, spans: list[re.Match[str]], k: int) -> str:
    """`…：`cmd`，然后 `killall Finder``: the words between command k and the one before it,
    when they say only that it is the next step (然后, then); else nothing. What the sentence
    says is for the command before it."""
    then = _THEN.fullmatch(text[spans[k - 1].end():spans[k].start()].strip(" ，,、；;")) \
        if k else None
    return then.group(0) if then else ""


def _said_before(phrase: str, span: str) -> str:
    """A phrase that says what a command does, then points at it (`以后新装的默认用 2：`cmd``,
    `查看流量 → `cmd``): the words before the pointer. Other phrases as they are."""
    head, found, tail = phrase.rpartition(span)
    words = head.rstrip(_POINTERS + " ")
    if found and head.rstrip().endswith(tuple(_POINTERS)) and words \
            and not tail.strip(" ，,。.；;"):
        return words
    if found and not head.strip() and tail.lstrip()[:1] in ("：", ":", "→", "—", "–"):
        return tail.lstrip(" ：:→—–").rstrip(" ，,。.；;")  # (`cmd`：what it does)
    return phrase


def _without_commands(sentence: str) -> str:
    """What an English sentence says about the commands in it: `To cut a clip, copy the
    streams: `ffmpeg -ss …`.` -> `To cut a clip, copy the streams`."""
    words = CODE_SPAN.sub(lambda m: " " if _names_command(m.group(1)) else m.group(0), sentence)
    words = re.sub(r"\(\s*\)", " ", " ".join(words.split()))
    while True:
        trimmed = words.rstrip(" ,:;.!?—-" + _POINTERS)
        last = trimmed.rsplit(" ", 1)
        if len(last) == 2 and last[1].lower() in _LEAD_WORDS:
            trimmed = last[0]
        if trimmed == words:
            return words
        words = trimmed


def _untold(text: str, sentences: Iterable[str]) -> str:
    """A paragraph line without the sentences command passages show; empty when what is left
    has no words."""
    if not sentences:
        return text
    for sentence in sentences:
        text = text.replace(sentence, " ", 1)
    text = " ".join(text.split())
    return text if len(re.sub(r"[\W_]", "", CODE_SPAN.sub("", text))) >= 4 else ""


def _forbidden(text: str, at: int) -> bool:
    """Does the clause before position `at` warn against what follows (`不要直接 `…``)?"""
    clause = _clause(text[:at], at, _PHRASE_END)
    warnings = list(_WARNING.finditer(clause))
    return bool(warnings) and not _CONDITION_AFTER.search(clause[warnings[-1].end():])


@functools.lru_cache(maxsize=1 << 12)  # lines repeat, within a file and across
def _plain(text: str) -> str:
    """A line without its marks of emphasis: bold, and Obsidian's `==highlight==`,
    `[[links]]` and `#tags`."""
    if "[[" in text or "==" in text or "#" in text:  # (what the patterns need)
        text = _TAG_WORD.sub("", _HIGHLIGHT.sub(r"\1", _WIKILINK.sub(r"\1", text)))
    return text.replace("**", "").strip()


def _unmark(text: str) -> str:
    """Words of a Markdown line without its inline marks (code ticks, bold, `_plain`'s)."""
    return re.sub(r"\*\*|__", "", _plain(text).replace("`", "")).strip()


def _heading_words(heading: str) -> str:
    """`1. 端口有没有在监听` -> `端口有没有在监听`."""
    return _unmark(_HEADING_NUMBER.sub("", heading)) or heading


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
