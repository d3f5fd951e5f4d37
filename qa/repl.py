"""The chat REPL: `qa` with no arguments.

`Chat` turns one line into the text of a reply (questions, follow-ups, `:commands`) and never
touches the terminal; `run` drives it either through a prompt_toolkit prompt (a terminal) or
line by line in plain text (stdin is a pipe). The index loads in a background thread that starts
once the first prompt is on screen, so the prompt never waits for it.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from qa.conversation import Conversation, Turn
from qa.errors import QAError
from qa.render import (
    LABELS,
    Style,
    answer_lines,
    corrections_lines,
    explanation_text,
    label_lang,
    openable,
    result_text,
    safe,
    shell_spans,
)

if TYPE_CHECKING:
    from prompt_toolkit.completion import Completer
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

    from qa.assistant import Assistant
    from qa.model import Answer

HISTORY_SIZE = 1000  # entries kept in the history file
SOURCE_CONTEXT = 3  # lines shown before and after an answer by `:source`
COMMANDS = {  # name -> what it does, for the completion menu
    ":help": "help · 帮助", ":more": "next answer · 下一个答案",
    ":explain": "explain a command line · 解释命令", ":source": "the note around the answer · 出处",
    ":copy": "copy the command · 复制命令", ":quit": "leave · 退出"}
ALIASES = {":h": ":help", ":?": ":help", ":m": ":more", ":next": ":more", ":n": ":more",
           ":e": ":explain", ":s": ":source", ":c": ":copy", ":q": ":quit", ":exit": ":quit"}
_COMMAND = re.compile(r":[A-Za-z?]\w*(?:\s|$)")

Clipboard = Callable[[str], "str | None"]  # copies text; returns the tool used, None if none


# --- history ----------------------------------------------------------------------------------
def history_path() -> Path:
    """The per-user history file: $XDG_DATA_HOME/qa/history (default ~/.local/share/qa)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local",
                                                           "share")
    return Path(base) / "qa" / "history"


def _history_entries(lines: Iterable[str]) -> Iterator[list[str]]:
    """prompt_toolkit's history file, one entry at a time: its `# date` line and `+` lines."""
    entry: list[str] = []
    has_text = False
    for line in lines:
        if line.startswith("+"):
            entry.append(line)
            has_text = True
            continue
        if has_text:
            yield entry
            entry, has_text = [], False
        if line.strip():
            entry.append(line)
    if has_text:
        yield entry


def trim_history(path: Path, keep: int = HISTORY_SIZE) -> None:
    """Keep the last `keep` entries of a history file (rewritten atomically)."""
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return
    entries = list(_history_entries(text.splitlines()))
    if len(entries) <= keep:
        return
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for entry in entries[-keep:]:
            f.write("\n" + "\n".join(entry) + "\n")
    os.replace(tmp, path)


def _open_history(path: Path | None) -> Any:
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    path = path or history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            path.touch(mode=0o600)  # questions can be private
        trim_history(path)
    except OSError:
        return InMemoryHistory()  # an unwritable home: history for this session only
    return FileHistory(str(path))


# --- clipboard --------------------------------------------------------------------------------
def _clipboard_tools() -> list[tuple[str, list[str]]]:
    import shutil

    tools: list[tuple[str, list[str]]] = []
    if sys.platform == "darwin":
        tools.append(("pbcopy", ["pbcopy"]))
    if sys.platform == "win32" or shutil.which("clip.exe"):
        tools.append(("clip", ["clip.exe" if sys.platform != "win32" else "clip"]))
    if os.environ.get("WAYLAND_DISPLAY"):
        tools.append(("wl-copy", ["wl-copy"]))
    if os.environ.get("DISPLAY"):
        tools.append(("xclip", ["xclip", "-selection", "clipboard"]))
        tools.append(("xsel", ["xsel", "--clipboard", "--input"]))
    if os.environ.get("TMUX"):
        # the tmux paste buffer (prefix + ]), passed on to the terminal's clipboard when
        # tmux's set-clipboard allows it
        tools.append(("tmux", ["tmux", "load-buffer", "-w", "-"]))
        tools.append(("tmux", ["tmux", "load-buffer", "-"]))
    return tools


def copy_to_clipboard(text: str) -> str | None:
    """Copy text with the first clipboard tool that works here; the tool's name, or None."""
    import shutil
    import subprocess

    for name, argv in _clipboard_tools():
        if not shutil.which(argv[0]):
            continue
        try:
            done = subprocess.run(argv, input=text.encode("utf-8"), timeout=3,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return name
    return None


# --- the index in the background --------------------------------------------------------------
class Loader:
    """Loads the index (and the words completion offers) in a background thread."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.done = threading.Event()
        self.vocabulary: dict[str, str] | None = None
        self.error: BaseException | None = None
        self._started = False
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, name="qa-index", daemon=True).start()

    def when_done(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _run(self) -> None:
        try:
            self.assistant.warm_up()
            self.vocabulary = vocabulary(self.assistant)
        except Exception as e:  # reported by the first question, which loads again
            self.error = e
        finally:
            self.done.set()
            for listener in self._listeners:
                try:
                    listener()
                except RuntimeError:  # the session ended while the index loaded: no screen
                    pass


def vocabulary(assistant: Assistant) -> dict[str, str]:
    """Commands, subcommands and flags the notes use -> a short description (may be empty)."""
    index = assistant.engine().index
    words: dict[str, str] = {}
    for p in index.all_passages():
        for f in p.flags:
            first = f.description.splitlines()[0] if f.description else ""
            for name in f.names:
                words.setdefault(name, first[:40])
        if p.command:
            for kind, text in shell_spans(p.command):
                if kind in ("program", "subcommand", "flag") and len(text) > 1:
                    words.setdefault(text, (p.description or "")[:40])
    for t in index.terms:
        if t.startswith("-") and len(t) > 1:
            words.setdefault(t, "")
    return words


# --- one line in, text out --------------------------------------------------------------------
def locale_lang() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


class Chat:
    """The REPL's logic: answers questions and follow-ups, runs `:commands`; never prints."""

    def __init__(self, assistant: Assistant, style: Style, lang: str = "auto",
                 clipboard: Clipboard = copy_to_clipboard, top: int = 5) -> None:
        self.assistant = assistant
        self.style = style
        self.fixed_lang = lang if lang in ("zh", "en") else None
        self.lang = self.fixed_lang or locale_lang()  # of messages: follows the questions
        self.clipboard = clipboard
        self.conversation = Conversation(assistant, top=top)
        self.shown: Answer | None = None  # the answer on screen: :source, :copy, :explain

    @property
    def labels(self) -> dict[str, str]:
        return LABELS[self.lang]

    def handle(self, line: str) -> tuple[str, bool]:
        """The reply to one line, and whether the session goes on. Never raises."""
        text = line.strip()
        if not text:
            return "", True
        try:
            if _COMMAND.match(text + " "):
                return self.command(text)
            return self.reply(self.conversation.say(text)), True
        except KeyboardInterrupt:
            return self.labels["interrupted"], True
        except QAError as e:
            return _one_line(f"qa: {e}"), True
        except Exception as e:  # one bad turn must not end the session
            return _one_line(f"qa: {self.labels['error']}: {e.__class__.__name__}: {e}"), True

    # --- answers --------------------------------------------------------------------------
    def reply(self, turn: Turn) -> str:
        if turn.result is not None and turn.via != "next":
            self.lang = self.fixed_lang or label_lang(turn.result.lang)
        t, style = self.labels, self.style
        if turn.result is None:
            return t["nothing_yet"]
        out: list[str] = []
        if turn.via == "swap":
            out.append(style.dim(f"→ {t['as_asked']}{safe(turn.question)}"))
        answer = turn.answer
        if not turn.result.found and turn.via != "next":
            out.append(result_text(turn.result, style, self.lang))
        elif answer is None:
            out.append(t["no_more"])
        else:
            self.shown = answer
            if turn.via != "next":
                out += corrections_lines(turn.result, style, self.lang)
            out += answer_lines(answer, style, self.lang)
            n = len(turn.result.answers)
            if n > 1:
                where = t["position"].format(i=turn.index + 1, n=n)
                hint = f" · {t['more_hint']}" if turn.index + 1 < n else ""
                out.append(style.dim(f"  ({where}{hint})"))
        return "\n".join(out)

    # --- :commands --------------------------------------------------------------------------
    def command(self, text: str) -> tuple[str, bool]:
        name, _, arg = text.partition(" ")
        name = ALIASES.get(name.lower(), name.lower())
        arg = arg.strip()
        t = self.labels
        if name == ":quit":
            return "", False
        if name == ":help":
            return t["help"], True
        if name == ":more":
            return self.reply(self.conversation.more()), True
        if name == ":explain":
            return self.explain(arg), True
        if name == ":source":
            return self.source(), True
        if name == ":copy":
            return self.copy(), True
        from rapidfuzz.distance import OSA

        close = [c for c in [*COMMANDS, *ALIASES] if len(c) > 3 and OSA.distance(name, c) <= 1]
        if close:  # `:qiut`
            return t["unknown_close"].format(cmd=safe(name), close=close[0]), True
        return t["unknown"].format(cmd=safe(name)), True

    def explain(self, arg: str) -> str:
        t = self.labels
        explain = getattr(self.assistant, "explain", None)
        if explain is None:
            return t["no_explain"]
        line = arg or (self.shown.command if self.shown else None)
        if not line:
            return t["explain_what"]
        try:
            explanation = explain(line)
        except (ImportError, NotImplementedError):  # a library built without the feature
            return t["no_explain"]
        return explanation_text(explanation, self.style, self.lang)

    def source(self) -> str:
        if self.shown is None:
            return self.labels["no_answer"]
        src = self.shown.source
        lines = self.assistant.around(src, lines=SOURCE_CONTEXT)
        width = len(str(lines[-1][0])) if lines else 1
        out = [self.style.bold(safe(f"{self.style.place(src.path)}:{src.line}"))]
        for n, text in lines:
            mark = ">" if src.line <= n <= src.end_line else " "
            row = f"{mark} {n:>{width}}  {safe(text.rstrip())}"
            out.append(row if mark == ">" else self.style.dim(row))
        return "\n".join(out)

    def copy(self) -> str:
        t = self.labels
        command = self.shown.command if self.shown else None
        if self.shown is None:
            return t["no_answer"]
        if not command:
            return t["no_command"]
        tool = self.clipboard(command)
        if tool is None:
            return f"{t['no_clipboard']}\n{self.style.shell(command)}"
        return f"{t['copied'].format(tool=tool)} {self.style.shell(command)}"


def _one_line(message: str) -> str:
    return " ".join(safe(message).split())


# --- the front ends ---------------------------------------------------------------------------
def greeting(assistant: Assistant, lang: str) -> str:
    from qa import __version__

    t = LABELS[lang]
    head = t["greeting"].format(version=__version__, notes=_shown_path(assistant.corpus),
                                index=_shown_path(assistant.index_dir))
    return f"{safe(head)}\n{t['greeting_help']}"


def _shown_path(path: Path) -> str:
    """A path as short as it can be said: relative to here, else to ~."""
    path = path.expanduser().absolute()
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


def run(assistant: Assistant, lang: str = "auto", stdin: TextIO | None = None,
        stdout: TextIO | None = None, *, input: Input | None = None,
        output: Output | None = None, history: Path | None = None,
        clipboard: Clipboard = copy_to_clipboard) -> int:
    """Chat over the notes until Ctrl-D or `:quit`; returns the exit status (0).

    A terminal gets the prompt_toolkit prompt; a pipe gets one plain-text reply a line.
    `input`/`output` give the prompt its own streams (tests: a pipe input and `DummyOutput`).
    """
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    chat = Chat(assistant, Style(stdout, place=openable(assistant.note_file)), lang, clipboard)
    if input is None and not (_isatty(stdin) and _isatty(stdout)):
        return _plain(chat, stdin, stdout)
    return _interactive(chat, stdin, stdout, input, output, history)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _plain(chat: Chat, stdin: TextIO, stdout: TextIO) -> int:
    buffer = getattr(stdin, "buffer", None)
    lines = (raw.decode("utf-8", "replace") for raw in buffer) if buffer is not None else stdin
    for line in lines:
        reply, go_on = chat.handle(line.lstrip("\ufeff").rstrip("\r\n"))
        if reply:
            stdout.write(reply + "\n\n")
            stdout.flush()
        if not go_on:
            break
    return 0


def _interactive(chat: Chat, stdin: TextIO, stdout: TextIO, input: Input | None,
                 output: Output | None, history: Path | None) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.styles import Style as PromptStyle

    if input is None:
        from prompt_toolkit.input import create_input
        from prompt_toolkit.output import create_output

        input, output = create_input(stdin), create_output(stdout)
    loader = Loader(chat.assistant)
    head, _, rest = greeting(chat.assistant, chat.lang).partition("\n")
    stdout.write(f"{chat.style.bold(head)}\n{chat.style.dim(rest)}\n")
    stdout.flush()

    def status() -> str:  # the note goes once loaded, and never stays in the scrollback
        done = loader.done.is_set() or session.app.is_done
        return "" if done else chat.labels["loading"]

    session: Any = PromptSession(
        [("class:prompt", "qa"), ("class:arrow", "› ")], input=input, output=output,
        history=_open_history(history), auto_suggest=AutoSuggestFromHistory(),
        completer=_completer(loader), complete_while_typing=True, reserve_space_for_menu=6,
        rprompt=status, style=PromptStyle.from_dict({
            "prompt": "ansicyan bold", "arrow": "ansicyan", "rprompt": "ansibrightblack"}))

    def start_loading(_app: object) -> None:
        loader.start()  # once the prompt is on screen (later calls do nothing)

    session.app.after_render += start_loading
    loader.when_done(session.app.invalidate)  # thread-safe: drops the "loading" note
    while True:
        try:
            line = session.prompt()
        except KeyboardInterrupt:  # Ctrl-C: a fresh line
            continue
        except EOFError:  # Ctrl-D
            return 0
        reply, go_on = chat.handle(line)
        if reply:
            stdout.write(reply + "\n\n")
            stdout.flush()
        if not go_on:
            return 0


def _completer(loader: Loader) -> Completer:
    """Fuzzy completion of `:commands` and of the commands, subcommands and flags of the notes.

    While typing it offers only what cannot be a question word: a `:command`, a flag, or the
    word after a command (`docker r`); Tab offers the whole vocabulary.
    """
    from prompt_toolkit.completion import Completer, FuzzyCompleter, WordCompleter

    commands = FuzzyCompleter(WordCompleter(list(COMMANDS), meta_dict=COMMANDS, WORD=True),
                              WORD=True)

    class NotesCompleter(Completer):
        def __init__(self) -> None:
            self.words: FuzzyCompleter | None = None
            self.programs: frozenset[str] = frozenset()

        def _vocabulary(self) -> FuzzyCompleter | None:
            if self.words is None and loader.vocabulary is not None:
                vocab = loader.vocabulary
                self.words = FuzzyCompleter(
                    WordCompleter(sorted(vocab), meta_dict=vocab, WORD=True), WORD=True)
                self.programs = frozenset(w for w in vocab if not w.startswith("-"))
            return self.words

        def get_completions(self, document: Any, event: Any) -> Any:
            before = document.text_before_cursor.lstrip()
            if before.startswith(":") and " " not in before:
                yield from commands.get_completions(document, event)
                return
            words = self._vocabulary()
            if words is None:
                return
            word = document.get_word_before_cursor(WORD=True)
            previous = before[:len(before) - len(word)].split()
            after_command = bool(word) and bool(previous) and previous[-1] in self.programs
            if event.completion_requested or word.startswith("-") or after_command:
                yield from words.get_completions(document, event)

    return NotesCompleter()
