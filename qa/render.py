"""Text for the terminal (used by the CLI and the REPL; this module itself never prints)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from qa.model import Answer, Explanation, FlagEntry, Result

# C0/C1 controls (ESC, CSI), bidi controls (they reorder what a line shows), line separators,
# and lone surrogates (undecodable bytes of a file name: a strict terminal encoder fails on them)
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")

LABELS = {
    "en": {"not_found": "Not in your notes.", "nearest": "Nearest topics in your notes",
           "did_you_mean": "did you mean", "read_as": "read {typed} as {read}",
           "also": "Also", "flag": "Flag",
           "source": "Source", "note": "note: ", "unknown_flag": "not described in your notes",
           "glossary": "commonly: ",
           "command": "Command", "no_parts": "nothing to explain",
           "greeting": "qa {version} · notes: {notes} · index: {index}",
           "greeting_help": "Ask in Chinese or English. :help for help, Ctrl-D to leave.",
           "loading": "loading the index…", "as_asked": "as: ",
           "position": "answer {i} of {n}", "more_hint": ":more or “next” for the next one",
           "no_more": "No more answers.", "nothing_yet": "Ask a question first.",
           "no_answer": "No answer on screen: ask a question first.",
           "no_command": "This answer has no command to copy.",
           "copied": "Copied with {tool}:", "no_clipboard":
               "No clipboard here (no pbcopy, wl-copy, xclip, xsel or tmux); the command is:",
           "explain_what": "Give a command line: :explain docker run -d -p 80:80 nginx",
           "no_explain": "These notes have no explain feature.",
           "unknown": "Unknown command {cmd}: :help lists them.",
           "unknown_close": "Unknown command {cmd}: did you mean {close}?",
           "interrupted": "Interrupted.", "error": "error",
           "help": """Ask about your notes in Chinese or English, and follow up in context:
  how do I list containers   then   and images? / what about volumes?
  如何删除所有容器            then   那镜像呢？
  more / next / 下一个        the next answer;  the second one / 第二个: that answer
Commands:
  :more          the next answer of the last question
  :explain CMD   each flag of a command line (default: the answer's command)
  :source        the lines of the note around the answer
  :copy          copy the answer's command to the clipboard
  :help          this help
  :quit          leave (Ctrl-D too); Ctrl-C clears the line
Tab completes commands and flags from your notes; ↑ recalls earlier questions."""},
    "zh": {"not_found": "笔记里没有这个问题的答案。", "nearest": "笔记里相近的主题",
           "did_you_mean": "你是不是想找", "read_as": "把「{typed}」当作「{read}」",
           "also": "另见", "flag": "参数",
           "source": "出处", "note": "注意：", "unknown_flag": "笔记里没有这个参数的说明",
           "glossary": "通常是：",
           "command": "命令", "no_parts": "没有可解释的内容",
           "greeting": "qa {version} · 笔记：{notes} · 索引：{index}",
           "greeting_help": "用中文或英文提问。输入 :help 查看帮助，Ctrl-D 退出。",
           "loading": "正在载入索引…", "as_asked": "理解为：",
           "position": "第 {i} 个答案，共 {n} 个", "more_hint": "输入 :more 或“下一个”看下一个",
           "no_more": "没有更多答案了。", "nothing_yet": "请先提一个问题。",
           "no_answer": "屏幕上还没有答案：请先提一个问题。",
           "no_command": "这个答案没有可复制的命令。",
           "copied": "已用 {tool} 复制：", "no_clipboard":
               "这里没有剪贴板（找不到 pbcopy、wl-copy、xclip、xsel 或 tmux），命令是：",
           "explain_what": "请给出命令行，例如 :explain docker run -d -p 80:80 nginx",
           "no_explain": "这份笔记没有解释命令的功能。",
           "unknown": "没有 {cmd} 这个命令：输入 :help 查看全部命令。",
           "unknown_close": "没有 {cmd} 这个命令：是不是 {close}？",
           "interrupted": "已中断。", "error": "出错",
           "help": """用中文或英文询问你的笔记，并可以接着上一个问题追问：
  如何删除所有容器            接着   那镜像呢？
  how do I list containers   接着   and images?
  下一个 / more / next        上一个问题的下一个答案；第二个 / the second one：第二个答案
命令：
  :more          上一个问题的下一个答案
  :explain 命令   逐个解释命令行中的参数（默认：当前答案的命令）
  :source        答案在笔记中的上下文
  :copy          把答案的命令复制到剪贴板
  :help          显示本帮助
  :quit          退出（也可按 Ctrl-D）；Ctrl-C 清空当前输入
Tab 补全笔记中的命令和参数；↑ 调出之前的问题。"""},
}


def _visible(m: re.Match[str]) -> str:
    c = ord(m.group(0))
    if 0xDC80 <= c <= 0xDCFF:  # a byte os.fsdecode could not decode: show the byte
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c <= 0xFF else f"\\u{c:04x}"


def safe(text: str) -> str:
    """Notes must not drive the terminal: control characters (ESC included) become visible."""
    return _CONTROL.sub(_visible, text)


def label_lang(result_lang: str, wanted: str = "auto") -> str:
    """The language of labels: `--lang`, else the question's (a mixed question gets Chinese)."""
    if wanted in ("zh", "en"):
        return wanted
    return "en" if result_lang == "en" else "zh"


def openable(locate: Callable[[str], Path | None]) -> Callable[[str], str]:
    """Where a source path as answers give it (`notes/linux.md`) is shown, so that it opens
    from here: relative to the working folder when the file is under it, else from the home
    folder (`~/…`), else whole; as given when the file is not found."""
    try:
        here, home = Path.cwd(), Path.home()
    except (OSError, RuntimeError):
        return lambda shown: shown
    places: dict[str, str] = {}

    def place(shown: str) -> str:
        if shown not in places:
            path = locate(shown)
            places[shown] = shown if path is None else \
                str(path.relative_to(here)) if path.is_relative_to(here) else \
                "~/" + str(path.relative_to(home)) if path.is_relative_to(home) else str(path)
        return places[shown]

    return place


class Style:
    """ANSI styling, on only for a terminal that wants colour (NO_COLOR respected)."""

    def __init__(self, stream: TextIO | None = None, color: bool | None = None,
                 place: Callable[[str], str] | None = None) -> None:
        """`place`: where a source path as answers give it is to be shown (by default as
        given)."""
        stream = stream or sys.stdout
        if color is None:
            color = stream.isatty() and not os.environ.get("NO_COLOR") and \
                os.environ.get("TERM") != "dumb"
        self.color = bool(color)
        self.place = place or (lambda shown: shown)

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def command(self, text: str) -> str:
        return self._wrap("1;32", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def warn(self, text: str) -> str:
        return self._wrap("33", text)

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def shell(self, command: str) -> str:
        """A command line highlighted as shell code (control characters made visible)."""
        if not self.color:
            return safe(command)
        return "".join(self._wrap(SHELL_COLORS[kind], safe(text)) if SHELL_COLORS.get(kind)
                       else safe(text) for kind, text in shell_spans(command))


SHELL_COLORS = {"program": "1;32", "subcommand": "32", "flag": "36", "string": "33",
                "subst": "35", "operator": "35", "placeholder": "4", "comment": "2"}
# programs whose first words are subcommands (`docker image ls`, `git commit`)
SUBCOMMAND_PROGRAMS = frozenset({
    "docker", "docker-compose", "docker-machine", "podman", "kubectl", "helm", "git", "systemctl",
    "journalctl", "apt", "apt-get", "dnf", "yum", "brew", "pip", "pip3", "npm", "yarn", "go",
    "cargo", "ip", "firewall-cmd", "service", "conda", "snap", "gh"})
PREFIX_PROGRAMS = frozenset({"sudo", "env", "time", "nohup", "exec", "xargs", "nice", "watch"})
_SHELL_TOKEN = re.compile(r"""
    (?P<comment>(?<![^\s])\#.*)
  | (?P<string>'[^']*'?|"(?:\\.|[^"\\])*"?)
  | (?P<open>\$\()
  | (?P<close>\))
  | (?P<backtick>`)
  | (?P<operator>\|\||\||&&|;|>>|>|<|&)
  | (?P<placeholder>\{\{.*?\}\}|<[^<>\s|;&]+>|\$\{[^}\s]*\}|\$[A-Za-z_][A-Za-z0-9_]*)
  | (?P<space>\s+)
  | (?P<word>[^\s|;&<>()'"`]+|[()<>])
""", re.X)
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def shell_spans(command: str) -> list[tuple[str, str]]:
    """A command line cut into (kind, text) pieces whose texts join back into the line.

    kinds: program, subcommand, flag, string, subst (`$(` `)` and backticks), operator,
    placeholder (`{{name}}`, `<name>`, `$VAR`, and words in Chinese, which notes use for
    "fill this in": `docker logs 容器ID`), comment, text.
    """
    out: list[tuple[str, str]] = []
    expect_program = True  # at the start, after an operator, inside `$(`
    program = ""
    subcommands = 0
    in_backtick = False
    for m in _SHELL_TOKEN.finditer(command):
        kind, text = m.lastgroup or "word", m.group(0)
        if kind in ("open", "close", "backtick"):
            if kind == "backtick":
                in_backtick = not in_backtick
            expect_program = kind == "open" or kind == "backtick" and in_backtick
            kind, program = "subst", ""
        elif kind == "operator":
            expect_program, program = text not in (">", ">>", "<"), ""
        elif kind == "word":
            if _CJK_CHAR.search(text):
                kind = "placeholder"
            elif expect_program and not text.startswith("-") and "=" not in text:
                kind, expect_program = "program", text in PREFIX_PROGRAMS
                program, subcommands = text.rsplit("/", 1)[-1], 0
            elif text.startswith("-") and len(text) > 1:
                name, eq, value = text.partition("=")
                out.append(("flag", name))
                kind, text, subcommands = "text", eq + value, 2
            elif program in SUBCOMMAND_PROGRAMS and subcommands < 2 and \
                    re.fullmatch(r"[a-z][a-z0-9-]*", text):
                kind, subcommands = "subcommand", subcommands + 1
            else:
                kind, subcommands = "text", 2  # an argument ends the subcommands
        elif kind == "space":
            kind = "text"
        if text:
            out.append((kind, text))
    return out


def flag_line(f: FlagEntry) -> str:
    names = ", ".join(n for n in (f.short, f.long) if n)
    default = f"={f.default}" if f.default else ""
    family = f" ({f.command})" if f.command else ""
    first = f.description.splitlines()[0] if f.description else ""
    return safe(f"{names}{default}{family}  {first}")


def answer_lines(a: Answer, style: Style, lang: str, full: bool = True) -> list[str]:
    """One answer: the command first (highlighted), then the passage, then file:line.
    `full=False` gives the short form of a further answer: one line and where it is."""
    t = LABELS[lang]
    out: list[str] = []
    if a.command:
        out.append(style.command(safe(a.command)))
    text = a.passage.text
    if a.command and text.strip() == a.command.strip():
        # a bare line of a block: what it is for is what its notes say around it
        p = a.passage
        text = next((x for x in (p.description, p.context) if x and x != p.section), "")
        if text:
            first = text.strip().splitlines()[0]
            text = first[:120] + ("…" if len(first) > 120 else "")
    if full:
        out += ["  " + safe(line.rstrip()) for line in text.splitlines()]
        if a.kind == "prose":
            out += ["  " + style.bold(t["flag"]) + ": " + flag_line(f) for f in a.flags[:3]]
    elif not a.command and text:
        first = text.strip().splitlines()[0]
        out.append("  " + safe(first[:100] + ("…" if len(first) > 100 else "")))
    for w in a.warnings:
        out.append("  " + style.warn(t["note"] + safe(w)))
    src = a.source
    where = f"{style.place(src.path)}:{src.line}" + (f"-{src.end_line}" if src.end_line != src.line
                                                     else "")
    section = f"  · {safe(a.passage.section)}" if a.passage.section else ""
    out.append("  " + style.dim(safe(where) + section))
    return out


def corrections_lines(r: Result, style: Style, lang: str) -> list[str]:
    """What the question was read as: flags it misspelt, words it typed for others."""
    t = LABELS[lang]
    out = [style.warn(f"{t['did_you_mean']} {safe(fixed)}?") for fixed in r.did_you_mean]
    if r.read_as:
        out.append(style.dim("(" + ", ".join(t["read_as"].format(typed=safe(a), read=safe(b))
                                             for a, b in r.read_as) + ")"))
    return out


def result_text(r: Result, style: Style, lang: str = "auto") -> str:
    lang = label_lang(r.lang, lang)
    t = LABELS[lang]
    out = corrections_lines(r, style, lang)
    if not r.found:
        out.append(t["not_found"])
        if r.nearest:
            out.append(style.dim(f"{t['nearest']}: " + " · ".join(safe(n) for n in r.nearest)))
        return "\n".join(out)
    first, *rest = r.answers
    out += answer_lines(first, style, lang)
    if rest:
        out.append("")
        out.append(style.dim(t["also"] + ":"))
        for a in rest:
            out += answer_lines(a, style, lang, full=False)
    return "\n".join(out)


def explanation_text(e: Explanation, style: Style, lang: str = "en") -> str:
    t = LABELS[lang]
    out = [style.command(safe(e.command))]
    if not e.parts:
        out.append("  " + t["no_parts"])
    width = max((len(p.token) for p in e.parts), default=0)
    for p in e.parts:
        token = safe(p.token).ljust(width)
        if p.flag:
            out.append(f"  {style.bold(token)}  {flag_line(p.flag)}")
        elif p.role == "flag":
            hint = f"  ({t['did_you_mean']} {p.suggestion}?)" if p.suggestion else \
                f"  ({t['glossary']}{safe(p.glossary[lang == 'zh'])})" if p.glossary else ""
            out.append(f"  {style.warn(token)}  {t['unknown_flag']}{hint}")
        else:
            out.append(f"  {token}  {style.dim(p.role)}")
    return "\n".join(out)
