"""`qa explain`: each token of a command line against the flags the notes describe.

The golden explanations (tests/golden/explain.jsonl) are command lines of the shipped notes, plus
two a user might type with mistakes. Each part is [token, role, the entry's names (its command),
suggestion]; an entry of another command is listed with that command, and a flag the notes do
not describe has no entry at all.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SHIPPED, TESTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa import Assistant, ExplainedPart
from qa.cli import main

GOLDEN = [json.loads(line) for line in
          (TESTS / "golden" / "explain.jsonl").read_text("utf-8").splitlines() if line.strip()]
ROLES = {"program", "subcommand", "flag", "value", "argument", "operator"}


def summary(p: ExplainedPart) -> list[Any]:
    flag = None
    if p.flag:
        flag = "/".join(p.flag.names) + (f" ({p.flag.command})" if p.flag.command else "")
    return [p.token, p.role, flag, p.suggestion]


def explain_cli(argv: list[str], shipped_index: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["explain", "--corpus", str(SHIPPED), "--index", str(shipped_index), *argv],
                stdin=io.StringIO(""), stdout=out, stderr=io.StringIO())
    return code, out.getvalue()


def test_golden_set_covers_enough_real_lines() -> None:
    notes = (SHIPPED / "2018-05-09-docker-notes-1.md").read_text("utf-8")
    from_notes = [g for g in GOLDEN if g["line"].split(" # ")[0] in notes]
    assert len(from_notes) >= 10
    assert any(p[3] for g in from_notes for p in g["parts"])  # a typo (`docker exe`)
    assert any(p[0] == "-i" for g in from_notes for p in g["parts"])  # `-it`, split


@pytest.mark.parametrize("golden", GOLDEN, ids=[g["line"][:40] for g in GOLDEN])
def test_golden_explanations(shipped: Assistant, golden: dict[str, Any]) -> None:
    e = shipped.explain(golden["line"])
    assert [summary(p) for p in e.parts] == golden["parts"]


def test_json_follows_the_contract(shipped: Assistant, shipped_index: Path) -> None:
    code, out = explain_cli(["--json", "docker run -d -p 90:80 nginx"], shipped_index)
    d = json.loads(out)
    assert code == 0 and d["command"] == "docker run -d -p 90:80 nginx"
    for part in d["parts"]:
        assert {"token", "flag", "suggestion"} <= set(part)
    d_part = next(p for p in d["parts"] if p["token"] == "-d")
    assert d_part["flag"]["long"] == "--detach" and d_part["suggestion"] is None
    assert d_part["flag"]["description"] == "指定容器运行于前台还是后台，默认为false"


def test_text_says_what_the_notes_do_not_describe(shipped: Assistant,
                                                  shipped_index: Path) -> None:
    code, out = explain_cli(["--lang", "en", "docker run --memroy 512m nginx && docker ps -l"],
                            shipped_index)
    assert code == 0
    lines = out.splitlines()
    assert any("--memroy" in line and "did you mean --memory?" in line for line in lines)
    assert any(line.strip().startswith("-l") and "not described in your notes" in line
               for line in lines)


def test_a_flag_the_notes_do_not_describe_is_said_as_the_glossary_knows_it(
        shipped: Assistant, shipped_index: Path) -> None:
    """`docker ps -a`: the notes describe no -a of docker ps; what it commonly does is said,
    in the language asked for, and in the JSON; a flag the glossary lacks says nothing more."""
    a = next(p for p in shipped.explain("docker ps -a").parts if p.token == "-a")
    assert a.flag is None and a.glossary and "all containers" in a.glossary[0]
    code, out = explain_cli(["--lang", "en", "docker ps -a"], shipped_index)
    assert code == 0 and "(commonly: all containers" in out
    code, out = explain_cli(["--lang", "zh", "docker ps -a"], shipped_index)
    assert "(通常是：所有容器" in out
    code, out = explain_cli(["--json", "docker ps -a"], shipped_index)
    part = json.loads(out)["parts"][-1]
    assert part["flag"] is None and part["glossary"]["en"].startswith("all containers")
    assert next(p for p in shipped.explain("docker ps --zzz").parts
                if p.token == "--zzz").glossary is None


def test_flag_with_equals_and_flag_with_space_read_alike(shipped: Assistant) -> None:
    glued = shipped.explain("docker run --restart=always nginx").parts
    spaced = shipped.explain("docker run --restart always nginx").parts
    assert [summary(p) for p in glued] == [summary(p) for p in spaced]
    assert summary(glued[2]) == ["--restart", "flag", "--restart (docker run)", None]
    assert "always：容器退出时总是重启" in (glued[2].flag.description if glued[2].flag else "")


def test_a_value_glued_to_a_short_flag(shipped: Assistant) -> None:
    parts = shipped.explain("docker run -p8080:80 -dit ubuntu").parts
    assert [(p.token, p.role) for p in parts[2:]] == [
        ("-p", "flag"), ("8080:80", "value"), ("-d", "flag"), ("-i", "flag"), ("-t", "flag"),
        ("ubuntu", "argument")]


def test_the_command_named_decides_what_a_flag_means(shipped: Assistant) -> None:
    commit = {p.token: p.flag for p in shipped.explain("docker commit -a me c1 img").parts}
    run = {p.token: p.flag for p in shipped.explain("docker run -a stdin nginx").parts}
    assert commit["-a"] is not None and commit["-a"].description == "作者"
    assert run["-a"] is not None and run["-a"].long == "--attach"
    # `docker ps -a` lists all containers: neither of those, and the notes do not say it
    ps = {p.token: p for p in shipped.explain("docker ps -a").parts}
    assert ps["-a"].flag is None and ps["-a"].suggestion is None


def test_real_flags_the_notes_lack_are_not_corrected(shipped: Assistant) -> None:
    parts = {p.token: p for p in shipped.explain("docker run --network host --cpus 2 nginx").parts}
    for flag in ("--network", "--cpus"):
        assert (parts[flag].flag, parts[flag].suggestion) == (None, None)
    assert parts["host"].role == "value" and parts["2"].role == "value"


def test_broken_lines_are_still_explained(shipped: Assistant) -> None:
    parts = shipped.explain('docker commit -m "unclosed -a me').parts
    assert [(p.token, p.role) for p in parts[2:]] == [("-m", "flag"), ("unclosed -a me", "value")]
    assert shipped.explain("   ").parts == ()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("docker run-ap=\"'$()`|&;# \\x容器")), max_size=40))
def test_any_line_is_explained_without_error(shipped: Assistant, line: str) -> None:
    e = shipped.explain(line)
    assert e.command == line.strip()
    assert all(p.role in ROLES for p in e.parts)
    assert all(p.token for p in e.parts if p.role in ("flag", "subcommand", "operator"))
    assert all(p.flag is None for p in e.parts if p.role != "flag")


def test_sudo_options_are_not_the_program(shipped: Assistant) -> None:
    """`sudo -u root docker ps -a`: docker is the program, as lint reads it too."""
    roles = [(p.token, p.role) for p in shipped.explain("sudo -u root docker ps -a").parts]
    assert roles[:5] == [("sudo", "program"), ("-u", "flag"), ("root", "argument"),
                         ("docker", "program"), ("ps", "subcommand")]
