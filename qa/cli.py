"""The `qa` command: argument parsing, rendering, exit codes. Retrieval lives in the library."""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qa.errors import QAError

if TYPE_CHECKING:
    from qa.assistant import Assistant

OK, NOT_FOUND, ERROR = 0, 1, 2
SUBCOMMANDS = ("ask", "explain", "index", "eval", "lint")
_VALUE_OPTIONS = ("--corpus", "--index", "--lang")
_GLOBAL_OPTIONS = ("--help", "-h", "--version", "--traceback")

EPILOG = """\
examples:
  qa                                  chat with your notes (Ctrl-D leaves)
  qa ask 如何删除所有容器
  qa ask "how do I copy a file out of a container"
  qa ask --json --top 3 "docker run --detatch"
  echo "查看镜像列表" | qa ask --json -       one JSON line per question line
  qa explain "docker run -d -p 90:80 --name web nginx"
  qa index --corpus ~/notes           index your own notes (a file or a folder)
  qa eval my-questions.jsonl          score a question set against your notes

notes: --corpus PATH or QA_CORPUS (default: the notes shipped with qa)
index: --index DIR or QA_INDEX (default: index/ in a checkout, else ~/.cache/qa)
exit status: 0 answered, 1 the notes do not answer it, 2 usage or operational error
"""


ASK_TOP = 3  # answers `qa ask` gives unless --top says otherwise

def _options(given: bool) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The options qa takes before a command and after it. After it (`given`), an option not
    given keeps what was given before the command: `qa --corpus X ask …` is X's."""
    def default(value: object) -> object:
        return argparse.SUPPRESS if given else value

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", metavar="PATH", default=default(None),
                        help="notes to use: a Markdown file or a folder (env QA_CORPUS)")
    common.add_argument("--index", metavar="DIR", default=default(None),
                        help="index folder (env QA_INDEX)")
    common.add_argument("--traceback", action="store_true", default=default(False),
                        help=argparse.SUPPRESS)
    lang = argparse.ArgumentParser(add_help=False)
    lang.add_argument("--lang", choices=("auto", "zh", "en"), default=default("auto"),
                      help="language of labels and messages (default: the question's)")
    return common, lang


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="qa", parents=list(_options(given=False)), epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Answers questions about your own Markdown notes, in Chinese or English. "
                    "With no command, opens a chat over the notes.")
    from qa import __version__

    p.add_argument("--version", action="version", version=f"qa {__version__}")
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")
    common, lang = _options(given=True)

    ask = sub.add_parser("ask", parents=[common, lang], help="answer one question",
                         description="Answer a question from the notes: the command, the "
                                     "passage and where it stands (file:line).",
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         epilog="examples:\n"
                                "  qa ask 如何删除所有容器\n"
                                "  qa ask --top 1 \"copy a file out of a container\"\n"
                                "  qa ask --json -- --memroy\n"
                                "  printf '查看镜像列表\\n端口映射\\n' | qa ask --json -\n\n"
                                "QUESTION '-' reads one question a line from stdin (with --json,\n"
                                "one JSON object a line, flushed per line).\n"
                                "exit status: 0 answered, 1 not in the notes, 2 error")
    ask.add_argument("question", nargs="*", metavar="QUESTION", help="the question, or - for stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (the library's Result)")
    ask.add_argument("--top", type=_positive, default=ASK_TOP, metavar="K",
                     help=f"number of answers (default {ASK_TOP})")

    ex = sub.add_parser("explain", parents=[common, lang],
                        help="explain each flag of a command line from the notes",
                        description="Each token of a command line against the flags your "
                                    "notes describe; misspelled flags get a suggestion.",
                        formatter_class=argparse.RawDescriptionHelpFormatter,
                        epilog="examples:\n"
                               "  qa explain \"docker run -d -p 90:80 --name web nginx\"\n"
                               "  qa explain --json \"docker run --memroy 1g -it alpine\"")
    ex.add_argument("command_line", nargs="+", metavar="COMMAND_LINE")
    ex.add_argument("--json", action="store_true", help="print JSON")

    sub.add_parser("index", parents=[common], help="build or refresh the index (incremental)",
                   description="Build the index of the notes, or refresh it: files whose "
                               "content did not change are reused. Asking builds it too "
                               "when it is missing or stale; this does it now.",
                   formatter_class=argparse.RawDescriptionHelpFormatter,
                   epilog="examples:\n"
                          "  qa index                     the shipped notes\n"
                          "  qa index --corpus ~/notes    your own notes (a file or a folder)\n"
                          "  QA_CORPUS=~/notes QA_INDEX=~/.qa-index qa index")

    ev = sub.add_parser("eval", parents=[common], help="score a question set (JSON Lines)",
                        description="Score questions with expected answers against the notes: "
                                    "top-1, hit@3, MRR, abstention, per language.",
                        formatter_class=argparse.RawDescriptionHelpFormatter,
                        epilog='examples:\n'
                               '  qa eval my-questions.jsonl -v\n'
                               '  qa eval --corpus ~/notes --json my-questions.jsonl\n\n'
                               'each line: {"id": "x", "q": "question", "lang": "zh|en|mix",\n'
                               '            "field": "command|text|flag|none", '
                               '"expect": ["substring", ...]}\n'
                               'command: an expected string is part of the answer\'s command; '
                               'flag: a flag name\non the answer; text: part of its text; '
                               'none: the notes must not answer.')
    ev.add_argument("file", metavar="FILE.jsonl")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument("--verbose", "-v", action="store_true", help="list the questions missed")

    li = sub.add_parser("lint", parents=[common, lang],
                        help="check the notes' docker commands against Docker's CLI",
                        description="List commands in the notes with unknown subcommands or "
                                    "flags, or removed/deprecated flags, with the fix.",
                        formatter_class=argparse.RawDescriptionHelpFormatter,
                        epilog="examples:\n"
                               "  qa lint\n"
                               "  qa lint --corpus ~/notes --json\n"
                               "exit status: 0 no findings, 1 findings, 2 error")
    li.add_argument("--json", action="store_true", help="print JSON Lines, one finding a line")
    return p


def _positive(s: str) -> int:
    try:
        n = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {s}") from None
    if not 1 <= n <= 100:
        raise argparse.ArgumentTypeError("give a number from 1 to 100")
    return n


def _assistant(args: argparse.Namespace) -> Assistant:
    from qa.assistant import Assistant

    return Assistant(corpus=args.corpus, index=args.index)


def _progress(err: TextIO):  # type: ignore[no-untyped-def]
    """A one-line progress bar on stderr, only when stderr is a terminal."""
    if not err.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total < 200 or done % 50 and done != total - 1:
            return
        width = 30
        filled = int(width * (done + 1) / total)
        err.write(f"\rindexing [{'#' * filled}{'.' * (width - filled)}] {done + 1}/{total}")
        if done == total - 1:
            err.write("\r" + " " * (width + 30) + "\r")
        err.flush()

    return show


def cmd_ask(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from qa.render import Style, openable, result_text, safe

    a = _assistant(args)
    style = Style(out, place=openable(a.note_file))
    if args.question == ["-"]:
        status = OK
        buffer = getattr(stdin, "buffer", None)
        lines = (raw.decode("utf-8", "replace") for raw in buffer) if buffer is not None else stdin
        for line in lines:
            question = line.rstrip("\r\n")
            if not args.json and not question.strip():
                continue  # (JSON Lines keep one line for each line read, blank or not)
            r = a.ask(question, top=args.top)
            if args.json:
                out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
            else:  # each answer under its question: many are read
                out.write(f"{style.bold('> ' + safe(question.strip()))}\n"
                          f"{result_text(r, style, args.lang)}\n\n")
            out.flush()
            if not r.found and line.strip():  # (a blank line is no question left unanswered)
                status = NOT_FOUND
        return status
    r = a.ask(" ".join(args.question), top=args.top)
    if args.json:
        out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(result_text(r, style, args.lang) + "\n")
    return OK if r.found else NOT_FOUND


def cmd_explain(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from qa.query import detect_lang
    from qa.render import Style, explanation_text, label_lang

    line = " ".join(args.command_line)
    e = _assistant(args).explain(line)
    if args.json:
        out.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(explanation_text(e, Style(out), label_lang(detect_lang(line), args.lang)) + "\n")
    return OK


def cmd_index(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    a = _assistant(args)
    report = a.build(progress=_progress(err))
    out.write(f"indexed {report.files} files ({report.parsed} read, {report.reused} unchanged): "
              f"{report.passages} passages, {report.terms} terms in {report.seconds:.2f}s\n"
              f"index: {a.index_dir}\n")
    from qa.render import safe

    for path, why in report.skipped:
        err.write(f"qa: skipped {safe(path)}: {safe(why)}\n")
    return OK


def cmd_eval(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from qa.evaluate import evaluate, load_cases

    cases = load_cases(Path(args.file))
    a = _assistant(args)
    # the answers `qa ask --json -` gives, which the scorer reads: the same MRR
    report = evaluate(cases, lambda q: a.ask(q, top=ASK_TOP).to_dict())
    if args.json:
        out.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
        return OK
    for name, (acc, n) in report.slices.items():
        out.write(f"{name:8s} top1 {acc:.3f}  (n={n})\n")
    if args.verbose:
        for r in report.rows:
            if not r.ok1:
                out.write(f"  MISS {r.case.get('id', ''):18s} {r.case['q']!r} -> {r.top!r}\n")
    out.write(json.dumps(report.summary) + "\n")
    return OK


def cmd_lint(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from qa.render import Style, safe

    a = _assistant(args)
    items = a.lint()
    if args.json:
        for item in items:
            out.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
        return NOT_FOUND if items else OK
    style = Style(out)
    zh = args.lang == "zh"
    for item in items:
        message = item.finding.message_zh if zh else item.finding.message_en
        out.write(f"{style.dim(safe(item.path))}:{item.line}: {style.command(safe(item.command))}\n"
                  f"  {style.warn(safe(message))}\n")
    n, checked = len(items), a.last_lint_checked
    out.write(f"共检查 {checked} 条命令，发现 {n} 个问题\n" if zh else
              f"{n} finding{'s' * (n != 1)} in {checked} command{'s' * (checked != 1)} checked\n")
    return NOT_FOUND if items else OK


def cmd_repl(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from qa.repl import run

    return run(_assistant(args), lang=args.lang, stdin=stdin, stdout=out)


COMMANDS = {"ask": cmd_ask, "explain": cmd_explain, "index": cmd_index, "eval": cmd_eval,
            "lint": cmd_lint, None: cmd_repl}


_ASK_OPTIONS = ("--json", "--top", *_VALUE_OPTIONS, *_GLOBAL_OPTIONS)


def _mistyped_option(extra: list[str]) -> tuple[str, str] | None:
    """An unknown `--word` before the question that is one typo from an option of `qa ask`
    (`--jsn`): the user meant the option, not a flag to ask about (`--memroy` is asked about).
    Words after `--` are the question's."""
    for word in extra:
        if word == "--" or not word.startswith("--"):
            return None
        from rapidfuzz.distance import OSA

        name = word.split("=")[0]
        close = [o for o in _ASK_OPTIONS if o.startswith("--") and OSA.distance(name, o) <= 1]
        if close:
            return name, close[0]
    return None


def _first_word(argv: list[str]) -> str | None:
    """The first word of the command line that is no global option (nor its value): the
    subcommand, or the question's first word, or a flag qa does not have."""
    i = 0
    while i < len(argv):
        word = argv[i]
        name = word.split("=")[0]
        if name in _VALUE_OPTIONS:
            i += 1 if "=" in word else 2
        elif name in _GLOBAL_OPTIONS:
            i += 1
        else:
            return word
    return None


def _is_question(argv: list[str]) -> bool:
    """Does the command line ask a question without saying `ask`?"""
    word = _first_word(argv)
    return word is not None and word not in SUBCOMMANDS


def _mistyped_command(argv: list[str]) -> tuple[str, str] | None:
    """A first word one typo from a subcommand (`qa lnt`, `qa idnex`, `qa evl set.jsonl`):
    the user meant it. Followed by other words (`qa list docker images`) it is a question."""
    word = _first_word(argv)
    if word is None or word in SUBCOMMANDS or len(word) < 3 or not word.isascii() \
            or not word.isalpha():
        return None
    rest = argv[argv.index(word) + 1:]
    if any(not re.search(r"^-|[./\\~]", w) for w in rest):
        return None  # (a command's arguments are options and paths)
    from rapidfuzz.distance import OSA

    close = [c for c in SUBCOMMANDS if OSA.distance(word.lower(), c) <= 1]
    return (word, close[0]) if close else None


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run qa with these arguments and streams; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    stdin, out, err = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    typo = _mistyped_command(argv)
    if typo:
        err.write(f"qa: unknown command {typo[0]}: did you mean qa {typo[1]}? (to ask it as a "
                  f"question: qa ask {typo[0]})\n")
        return ERROR
    if _is_question(argv):
        argv.insert(0, "ask")  # `qa 如何删除所有容器` and `qa --memroy` are questions
    parser = _parser()
    try:
        # argparse prints help and usage itself: to the streams given to main
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args, extra = parser.parse_known_args(argv)
            if extra and args.cmd != "ask":
                parser.error(f"unrecognized arguments: {' '.join(extra)}")
            if args.cmd == "ask" and not "".join(args.question + extra).strip():
                parser.error("give a question, e.g. qa ask 如何删除所有容器 (or - to read stdin)")
            if args.cmd == "explain" and not " ".join(args.command_line).strip():
                parser.error("give a command line, e.g. qa explain \"docker run -d -p 80:80 "
                             "nginx\"")
            if args.cmd == "ask" and (typo := _mistyped_option(extra)):
                parser.error(f"unknown option {typo[0]}: did you mean {typo[1]}? (to ask about "
                             f"a flag of that name: qa ask -- {typo[0]})")
        if args.cmd == "ask":
            args.question += extra  # `qa ask --detatch`: a flag asked about, not an option
    except SystemExit as e:  # argparse has printed usage or help
        return OK if e.code == 0 else ERROR
    for name in ("question", "command_line"):
        # bytes of an argument that are not UTF-8 arrive as lone surrogates, which no strict
        # encoder can write back out: they become U+FFFD, as on stdin (paths are left alone)
        if isinstance(getattr(args, name, None), list):
            setattr(args, name, [re.sub("[\ud800-\udfff]", "\ufffd", a)
                                 for a in getattr(args, name)])
    from qa.render import safe

    def one_line(message: object) -> str:
        return safe(" ".join(str(message).split()))

    try:
        return COMMANDS[args.cmd](args, out, err, stdin)
    except QAError as e:
        if args.traceback:
            raise
        err.write(f"qa: {one_line(e)}\n")
        return ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return OK
    except OSError as e:
        if args.traceback:
            raise
        where = getattr(e, "filename", "") or ""
        err.write(f"qa: {one_line(e.strerror or e)}: {one_line(where)}\n")
        return ERROR
    except Exception as e:  # a bug: one line, not a traceback, unless asked for
        if args.traceback:
            raise
        err.write(f"qa: unexpected error ({e.__class__.__name__}: {one_line(e)}); "
                  f"rerun with --traceback to see where\n")
        return ERROR
