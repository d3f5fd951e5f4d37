"""The records qa hands out: frozen dataclasses, no formatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)  # a build holds many at once
class Source:
    """Where a passage stands in the notes (1-based, inclusive lines)."""

    path: str
    line: int
    end_line: int

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "end_line": self.end_line}


@dataclass(frozen=True)
class FlagEntry:
    """One flag the notes describe: `-m, --memory=""  指定容器的内存上限`."""

    short: str | None
    long: str | None
    default: str | None
    description: str
    command: str | None = None  # the command family it belongs to, e.g. "docker run"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.short, self.long) if n)

    def to_dict(self) -> dict[str, Any]:
        """The flag as answers carry it (the JSON contract)."""
        return {"short": self.short, "long": self.long, "default": self.default,
                "description": self.description}

    def to_record(self) -> dict[str, Any]:
        """The flag as the index stores it: with its command family."""
        return {**self.to_dict(), "command": self.command}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FlagEntry:
        return cls(d.get("short"), d.get("long"), d.get("default"), d.get("description") or "",
                   d.get("command"))


@dataclass(frozen=True, slots=True)  # a build holds many at once
class Passage:
    """The unit of an answer: one command, one flag entry, one paragraph or one code block."""

    kind: str  # command | flag | prose | code
    text: str
    command: str | None
    description: str
    section: str
    source: Source
    context: str = ""  # the sentence that introduces a group of commands
    flags: tuple[FlagEntry, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "command": self.command,
                "description": self.description, "section": self.section,
                "source": self.source.to_dict(), "context": self.context,
                "flags": [f.to_record() for f in self.flags]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Passage:
        return cls(kind=d["kind"], text=d["text"], command=d.get("command"),
                   description=d.get("description") or "", section=d.get("section") or "",
                   source=Source(**d["source"]), context=d.get("context") or "",
                   flags=tuple(FlagEntry.from_dict(f) for f in d.get("flags") or ()))


@dataclass(frozen=True)
class Answer:
    """One ranked answer to a question."""

    score: float
    passage: Passage
    warnings: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return self.passage.kind

    @property
    def command(self) -> str | None:
        return self.passage.command

    @property
    def text(self) -> str:
        return self.passage.text

    @property
    def source(self) -> Source:
        return self.passage.source

    @property
    def flags(self) -> tuple[FlagEntry, ...]:
        return self.passage.flags

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "score": round(self.score, 4), "kind": self.kind, "command": self.command,
            "passage": self.passage.text, "section": self.passage.section,
            "source": self.source.to_dict(), "flags": [f.to_dict() for f in self.flags]}
        if self.warnings:
            d["warnings"] = list(self.warnings)
        return d


@dataclass(frozen=True)
class Result:
    """What `Assistant.ask` returns. `found` is False when the notes do not answer."""

    query: str
    found: bool
    lang: str
    answers: tuple[Answer, ...] = ()
    nearest: tuple[str, ...] = ()  # topics of the notes near the question, when not found
    did_you_mean: tuple[str, ...] = ()  # real flags for misspelled ones in the question
    # words of the question read as others (容齐 as 容器, contianer as container): as typed, as read
    read_as: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "found": self.found, "lang": self.lang,
                "answers": [a.to_dict() for a in self.answers]}


@dataclass(frozen=True)
class ExplainedPart:
    """One token of an explained command line."""

    token: str
    role: str  # program | subcommand | flag | value | argument
    flag: FlagEntry | None = None
    suggestion: str | None = None
    # what the command glossary says a flag the notes do not describe does: (English, Chinese)
    glossary: tuple[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"token": self.token, "role": self.role,
                "flag": self.flag.to_record() if self.flag else None,  # with its command
                "suggestion": self.suggestion,
                "glossary": dict(zip(("en", "zh"), self.glossary, strict=True))
                if self.glossary else None}


@dataclass(frozen=True)
class Explanation:
    """`Assistant.explain`: each token of a command line against the notes' flags."""

    command: str
    parts: tuple[ExplainedPart, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"command": self.command, "parts": [p.to_dict() for p in self.parts]}
