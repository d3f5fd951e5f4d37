"""Text for the terminal (used by the CLI and the REPL; this module itself never prints)."""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

from qa.model import Answer, Explanation, FlagEntry, Result

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

LABELS = {
    "en": {"not_found": "Not in your notes.", "nearest": "Nearest topics in your notes",
           "did_you_mean": "did you mean", "also": "Also", "flag": "Flag",
           "source": "Source", "unknown_flag": "not described in your notes",
           "command": "Command", "no_parts": "nothing to explain"},
    "zh": {"not_found": "笔记里没有这个问题的答案。", "nearest": "笔记里相近的主题",
           "did_you_mean": "你是不是想找", "also": "另见", "flag": "参数",
           "source": "出处", "unknown_flag": "笔记里没有这个参数的说明",
           "command": "命令", "no_parts": "没有可解释的内容"},
}


def safe(text: str) -> str:
    """Notes must not drive the terminal: control characters (ESC included) become visible."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def label_lang(result_lang: str, wanted: str = "auto") -> str:
    """The language of labels: `--lang`, else the question's (a mixed question gets Chinese)."""
    if wanted in ("zh", "en"):
        return wanted
    return "en" if result_lang == "en" else "zh"


class Style:
    """ANSI styling, on only for a terminal that wants colour (NO_COLOR respected)."""

    def __init__(self, stream: TextIO | None = None, color: bool | None = None) -> None:
        stream = stream or sys.stdout
        if color is None:
            color = stream.isatty() and not os.environ.get("NO_COLOR") and \
                os.environ.get("TERM") != "dumb"
        self.color = bool(color)

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


def flag_line(f: FlagEntry) -> str:
    names = ", ".join(n for n in (f.short, f.long) if n)
    default = f"={f.default}" if f.default else ""
    family = f" ({f.command})" if f.command else ""
    first = f.description.splitlines()[0] if f.description else ""
    return safe(f"{names}{default}{family}  {first}")


def answer_lines(a: Answer, style: Style, lang: str, full: bool = True) -> list[str]:
    """One answer: the command first (highlighted), then the passage, then file:line."""
    t = LABELS[lang]
    out: list[str] = []
    if a.command:
        out.append(style.command(safe(a.command)))
    if full or not a.command:
        text = a.passage.text
        if a.command and text.strip() == a.command.strip():
            text = ""
        for line in text.splitlines():
            out.append("  " + safe(line.rstrip()))
        if a.kind in ("flag", "prose") or not a.command:
            for f in a.flags[:4]:
                out.append("  " + style.bold(t["flag"]) + ": " + flag_line(f))
    for w in a.warnings:
        out.append("  " + style.warn("! " + safe(w)))
    src = a.source
    where = f"{src.path}:{src.line}" + (f"-{src.end_line}" if src.end_line != src.line else "")
    section = f"  · {safe(a.passage.section)}" if a.passage.section else ""
    out.append("  " + style.dim(safe(where) + section))
    return out


def result_text(r: Result, style: Style, lang: str = "auto") -> str:
    lang = label_lang(r.lang, lang)
    t = LABELS[lang]
    out: list[str] = []
    for fixed in r.did_you_mean:
        out.append(style.warn(f"{t['did_you_mean']} {fixed}?"))
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
            hint = f"  ({t['did_you_mean']} {p.suggestion}?)" if p.suggestion else ""
            out.append(f"  {style.warn(token)}  {t['unknown_flag']}{hint}")
        else:
            out.append(f"  {token}  {style.dim(p.role)}")
    return "\n".join(out)
