"""Bad notes never stop the index: GBK/GB18030/UTF-16 files are read, binary and undecodable
files are skipped with a warning that names them, empty files, unclosed fences, a 2 MB line,
symlink loops and unreadable files leave the rest indexed (exit 0; exit 2 only when nothing
usable is left), and parsing stays linear on pathological lines."""

from __future__ import annotations

import functools
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_python
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa import Assistant, NotesNotFound, Passage
from qa.cli import main
from qa.index import find_notes, passage_terms
from qa.notes import decode, parse_text
from qa.tokenize import Tokenizer

NOTES = """# 容器笔记

删除所有容器：
docker rm $(docker ps -aq)

## 查看

docker ps -a # 查看所有容器
"""
MEGABYTE = 1_000_000
TWO_MB = 2 * MEGABYTE


@pytest.fixture(scope="module")
def one_tokenizer() -> Iterator[Tokenizer]:
    """Many small builds: read jieba's dictionary and rank its words once (Tokenizer.full() and
    its common words are always the same)."""
    tok = Tokenizer.full()
    common = functools.lru_cache(maxsize=None)(tok.common_words)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Tokenizer, "full", classmethod(lambda cls, lexicon=None: tok))
        mp.setattr(tok, "common_words", lambda *n: dict(common(*n)))
        yield tok


def qa(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# --- decoding -------------------------------------------------------------------------------------
@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    lambda t: t.encode("gbk"),
    lambda t: t.encode("gb18030"),
    lambda t: t.encode("utf-16"),
    lambda t: t.encode("utf-16-be").join([b"\xfe\xff", b""]),
    lambda t: t.replace("\n", "\r\n").encode("gbk"),
], ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-le-bom", "utf-16-be-bom", "gbk-crlf"])
def test_decode_reads_the_encodings_notes_come_in(encode) -> None:  # type: ignore[no-untyped-def]
    assert decode(encode(NOTES)) == NOTES


def test_decode_reads_characters_only_gb18030_has() -> None:
    text = "# 笔记 𠀀 㐀\n"  # outside GBK: four-byte GB18030 sequences
    assert decode(text.encode("gb18030")) == text


def test_decode_keeps_utf8_with_a_character_cut_in_two() -> None:
    data = NOTES.encode("utf-8") + "容".encode()[:2]  # a write cut off mid-character
    text = decode(data)
    assert text.startswith(NOTES) and text.endswith("\ufffd")  # not GB18030 mojibake


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"abc\x00def",
    bytes(range(1, 32)) * 40,
    b"\x7fELF\x02\x01\x01" + bytes(range(0x80, 0x100)) * 4,
    b"\xff\xfe\xfd\xfc\x80\x81",  # looks like a UTF-16 byte order mark, is not text
    b"\xff" * 100,
], ids=["png", "nul", "controls", "elf", "fake-bom", "ff"])
def test_decode_refuses_binary_and_undecodable_bytes(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode(data)


def test_decode_of_nothing_is_nothing() -> None:
    assert decode(b"") == "" and decode(b"\xef\xbb\xbf") == "" and decode(b"\xff\xfe") == ""


# --- a folder of messy notes ----------------------------------------------------------------------
@pytest.fixture
def messy(tmp_path: Path) -> Iterator[Path]:
    """Good notes beside every kind of bad file a real notes folder collects over the years."""
    notes = tmp_path / "notes"
    (notes / "sub").mkdir(parents=True)
    (notes / "good.md").write_text(NOTES, "utf-8")
    (notes / "gbk.md").write_bytes("# 镜像\n\ndocker images # 列出本地镜像\n".encode("gbk"))
    (notes / "gb18030.md").write_bytes("# 网络\n\ndocker network ls # 列出网络 𠀀\n".encode(
        "gb18030"))
    (notes / "picture.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (notes / "undecodable.md").write_bytes(b"\xff\xfe\xfd\xfc\x80\x81\x82" * 10)
    (notes / "empty.md").write_bytes(b"")
    (notes / "unclosed.md").write_text("# 部署\n\n```bash\ndocker run -d -p 80:80 nginx\n",
                                       "utf-8")
    (notes / "long-line.md").write_text(
        "docker logs -f web # 跟踪容器日志 " + "日志很长很长 " * (TWO_MB // 14), "utf-8")
    (notes / "sub" / "loop").symlink_to("..")  # a symlink loop
    (notes / "dangling.md").symlink_to(tmp_path / "gone.md")
    locked = notes / "locked.md"
    locked.write_text("# 锁住\n\ndocker pause web # 暂停容器\n", "utf-8")
    locked.chmod(0)
    yield notes
    locked.chmod(0o600)


def test_messy_folder_indexes_and_names_what_it_skipped(messy: Path, tmp_path: Path,
                                                        one_tokenizer: Tokenizer) -> None:
    code, out, err = qa("index", "--corpus", str(messy), "--index", str(tmp_path / "idx"))
    assert code == 0, err
    assert "indexed" in out
    skipped = [line for line in err.splitlines() if line.startswith("qa: skipped ")]
    assert len(skipped) == len(err.splitlines())  # nothing else on stderr: no traceback
    named = " ".join(skipped)
    for name in ("picture.md", "undecodable.md", "dangling.md"):
        assert f"notes/{name}" in named
    for name in ("good.md", "gbk.md", "gb18030.md", "empty.md", "unclosed.md", "long-line.md"):
        assert name not in named
    locked_readable = os.access(messy / "locked.md", os.R_OK)  # (root reads anything)
    assert ("locked.md" in named) != locked_readable

    a = Assistant(corpus=messy, index=tmp_path / "idx")
    for question, command, path in [
        ("删除所有容器", "docker rm $(docker ps -aq)", "notes/good.md"),
        ("列出本地镜像", "docker images", "notes/gbk.md"),
        ("列出网络", "docker network ls", "notes/gb18030.md"),
        ("用 nginx 部署", "docker run -d -p 80:80 nginx", "notes/unclosed.md"),
        ("跟踪容器日志", "docker logs -f web", "notes/long-line.md"),
    ]:
        r = a.ask(question)
        assert r.found, question
        assert r.answers[0].command == command
        assert r.answers[0].source.path == path
    # the symlink loop was walked once: every answer's file is listed once
    files, _ = find_notes(messy)
    assert len({f.shown for f in files}) == len(files)
    assert not any("loop" in f.shown for f in files)


def test_nothing_usable_left_is_exit_2_in_one_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "picture.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (notes / "undecodable.md").write_bytes(b"\xff\xfe\x00\x01" * 20)
    (notes / "empty.md").write_bytes(b"")
    code, out, err = qa("index", "--corpus", str(notes), "--index", str(tmp_path / "idx"))
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("qa: ")
    code, out, err = qa("ask", "--json", "--corpus", str(notes), "--index",
                        str(tmp_path / "idx"), "删除容器")
    assert code == 2 and out == "" and len(err.splitlines()) == 1


def test_notes_with_no_word_to_index_build_and_answer_nothing(tmp_path: Path) -> None:
    """Notes whose words are all stopwords (`hi`) index to no term: an index all the same
    (weighing a matrix of no columns), every question not in them (exit 1), again after one
    changes."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("hi\n", "utf-8")
    index = str(tmp_path / "idx")
    for _ in range(2):
        code, out, err = qa("ask", "--corpus", str(notes), "--index", index, "hi")
        assert (code, err) == (1, "") and "Not in your notes" in out
        (notes / "a.md").write_text("的 了\n", "utf-8")  # (rebuilt from the previous build)


def test_a_notes_file_named_in_gbk_is_indexed(tmp_path: Path, one_tokenizer: Tokenizer) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "good.md").write_text(NOTES, "utf-8")
    gbk_name = os.path.join(os.fsencode(notes), "镜像笔记.md".encode("gbk"))
    with open(gbk_name, "wb") as fh:  # as an old Chinese Windows or Samba share names it
        fh.write("docker images # 列出本地镜像\n".encode("gbk"))
    code, out, err = qa("index", "--corpus", str(notes), "--index", str(tmp_path / "idx"))
    assert (code, err) == (0, "")
    code, out, err = qa("ask", "--json", "--corpus", str(notes), "--index",
                        str(tmp_path / "idx"), "列出本地镜像")
    answer = json.loads(out)["answers"][0]
    assert answer["command"] == "docker images"
    answer["source"]["path"].encode("utf-8")  # printable, storable, no lone surrogates


def test_a_fifo_among_the_notes_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(NOTES, "utf-8")
    os.mkfifo(tmp_path / "pipe.md")
    files, _ = find_notes(tmp_path)
    assert [f.shown for f in files] == [f"{tmp_path.name}/good.md"]


def test_a_link_to_a_device_among_the_notes_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(NOTES, "utf-8")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    files, _ = find_notes(tmp_path)
    assert [f.shown for f in files] == [f"{tmp_path.name}/good.md"]


# --- linear time on pathological lines ---------------------------------------------------------
# Each shape made a regex of the parser backtrack over a long run: cubic for a heading full of
# spaces, quartic for a flag described in prose, exponential for `-a=x,-a=x,...`, quadratic for
# a flag line with a long gap. At 1 MB a super-linear regex takes hours, a linear one under a
# second (the 2 MB line of the messy folder goes through the whole build). The tokenizer (jieba,
# about 5 us a character) gets each shape at a tenth of the size. No timing is asserted: the
# subprocess's timeout only stops a hang.
# name: (head, unit, tail): the line is head + unit repeated to about N characters + tail
PATHOLOGICAL = {
    "heading of spaces": ("# a", " ", "b"),
    "heading of hashes": ("# a", " #", "b"),
    "prose flag then spaces": ("用 -m", " ", "x"),
    "flag line with spaces": ("-m  x", " ", "y"),
    "flag defaults": ("-a=x", ",-a=x", "!"),
    "flag names": ("-a", ", -a", "x"),
    "table cell of flags": ("| ", "-a,", " x | y |"),
    "table rule after spaces": ("", " ", "|x|"),
    "table rule then spaces": ("|--", " ", "x|"),
    "inline code then spaces": ("`docker ps`", " ", "x"),
    "list markers": ("", "- ", ""),
    "quote markers": ("", "> ", ""),
    "colons": ("", "a：", ""),
    "a long command": ("docker run ", "-e A=1 ", ""),
    "one long word": ("", "a", ""),
    "one long Chinese run": ("", "容器", ""),
    "sentences": ("", "这是一句话。", ""),
    "backticks": ("", "`", ""),
    "tabs": ("", "\t", "x"),
}
LINEAR_CHECK = """
import json, sys
from qa.index import passage_terms
from qa.notes import parse_text
from qa.tokenize import Tokenizer
size, tokenized = int(sys.argv[1]), int(sys.argv[2])
tok = Tokenizer.full()
for name, (head, unit, tail) in json.loads(sys.argv[3]).items():
    parse_text(head + unit * (size // len(unit)) + tail + "\\n", "x.md")
    for p in parse_text(head + unit * (tokenized // len(unit)) + tail + "\\n", "x.md").passages:
        passage_terms(p, tok)
    print(name, flush=True)
"""


def linear_check(shapes: dict[str, tuple[str, str, str]], size: int, tokenized: int
                 ) -> list[str]:
    result = run_python(LINEAR_CHECK, str(size), str(tokenized), json.dumps(shapes))
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_parsing_and_tokenising_pathological_long_lines_finishes() -> None:
    assert linear_check(PATHOLOGICAL, MEGABYTE, MEGABYTE // 10) == list(PATHOLOGICAL)


def test_tokenising_a_long_run_of_punctuation_finishes() -> None:
    shapes = {"dashes": ("", "-", ""), "dots": ("", ".", ""), "equals": ("", "=", ""),
              "mixed": ("", "-./", "")}
    assert linear_check(shapes, MEGABYTE, MEGABYTE) == list(shapes)


# --- property tests: generated notes files -------------------------------------------------------
CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=8)
WORDS = st.sampled_from([
    "docker", "run", "rm", "ps", "-a", "-d", "-p", '--memory=""', "-m,", "nginx",
    "$(docker ps -aq)", "{{容器}}", "容器", "镜像", "删除", "查看", "：", ":", "#", "|", "`", "```",
    "~~~", "-", "--", "\t", "    ", "\x1b[31m", "\x00", "\u200b", "😀", "\\", "(", ")", "（",
    "）", "。", "sudo", "Usage:", "FROM", "RUN", "---", "title:", ">", "1.", "*",
])
LINES = st.one_of(
    st.lists(st.one_of(WORDS, CJK, st.text(max_size=4)), max_size=10).map(" ".join),
    st.lists(st.one_of(WORDS, CJK), max_size=10).map("".join),
    st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), CJK),
    st.builds("{}  # {}".format, st.sampled_from(["docker ps -a", "docker rm -f web", "ls -la"]),
              CJK),
    st.builds("  {}  {}".format, st.sampled_from(['-m, --memory=""', "-p, --publish=[]",
                                                  '--net="bridge"', "-d", "-a=x,-b=y"]), CJK),
    st.builds("- {}：\n\n`{}`".format, CJK, st.sampled_from(["docker rm {{容器}}", "docker ps"])),
    st.builds("| {} | {} |".format, st.sampled_from(["-p", "--rm", "-v /a:/b", "---"]), CJK),
    st.sampled_from(["```", "```bash", "~~~", "---", "", "", "    docker ps", "> docker ps"]),
    st.text(max_size=30),
)
NOTE_TEXT = st.lists(LINES, max_size=30).map("\n".join)


def encoded(text: str, how: str) -> bytes:
    if how in ("gbk", "gb18030"):
        try:
            return text.encode(how)
        except UnicodeEncodeError:
            pass
    if how == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if how == "crlf":
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8", "surrogatepass")


NOTE_BYTES = st.one_of(
    st.builds(encoded, NOTE_TEXT, st.sampled_from(["utf-8", "bom", "gbk", "gb18030", "utf-16",
                                                   "crlf"])),
    st.builds(lambda t, cut: t.encode("utf-8")[:cut], NOTE_TEXT, st.integers(0, 400)),
    st.binary(max_size=300),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=NOTE_BYTES)
def test_any_notes_file_parses_into_sound_passages(one_tokenizer: Tokenizer,
                                                   data: bytes) -> None:
    try:
        text = decode(data)
    except ValueError:
        return  # skipped with a warning, as the folder test shows
    lines = len(text.split("\n"))
    for p in parse_text(text, "notes/x.md").passages:
        assert p.kind in ("command", "flag", "prose", "code")
        assert p.source.path == "notes/x.md"
        assert 1 <= p.source.line <= p.source.end_line <= lines
        assert p.command is None or p.command.strip() and "\n" not in p.command
        assert Passage.from_dict(json.loads(json.dumps(p.to_dict()))) == p
        passage_terms(p, one_tokenizer)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(NOTE_BYTES, min_size=40, max_size=50))
def test_any_folder_of_notes_builds_an_index(one_tokenizer: Tokenizer,
                                            files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        notes.mkdir()
        for k, data in enumerate(files):
            (notes / f"n{k:02}.md").write_bytes(data)
        a = Assistant(corpus=notes, index=Path(tmp) / "idx")
        try:
            report = a.build()
        except NotesNotFound:  # nothing usable: exit 2 in the CLI
            return
        assert report.files == len(files)
        assert {s for s, _ in report.skipped} <= {f"notes/n{k:02}.md" for k in range(len(files))}
        for question in ("删除所有容器", "docker ps", "\x00", ""):
            r = a.ask(question)
            assert r.found == bool(r.answers)
            for answer in r.answers:
                assert answer.source.path.startswith("notes/n")
