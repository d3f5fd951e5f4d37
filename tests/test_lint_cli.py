"""`qa lint` and the warnings answers carry, through the real CLI run in-process."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from qa.cli import main

SHIPPED = Path(__file__).resolve().parents[1] / "corpus"
NOTES = "corpus/2018-05-09-docker-notes-1.md"

# Every finding on the shipped notes: (line, kind, token, fix).
SHIPPED_FINDINGS = [
    (27, "unknown-service", "docker.restart", "docker restart"),
    (67, "removed-flag", "--cpuset", "--cpuset-cpus"),
    (74, "deprecated-flag", "--link", "--network"),
    (75, "removed-flag", "--lxc-conf", None),
    (77, "deprecated-flag", "--net", "--network"),
    (108, "missing-subcommand", "docker image", "docker images"),
    (129, "unknown-subcommand", "exe", "exec"),
    (204, "duplicate-address", "172.15.10.1/24", "172.15.10.2/24"),
    (217, "deprecated-flag", "--link", "--network"),
]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.StringIO(), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("lint-index"))


def test_lint_lists_every_finding_of_the_shipped_notes(index: str) -> None:
    status, out, err = run("lint", "--index", index)
    assert status == 1 and err == ""
    places = re.findall(r"^(\S+):(\d+): ", out, re.M)
    assert places == [(NOTES, str(line)) for line, *_ in SHIPPED_FINDINGS]
    assert f"{NOTES}:129: docker exe -it CONTAINER_NAME bash\n" in out
    assert "  unknown subcommand 'exe' of 'docker'; did you mean 'exec'?\n" in out
    assert (
        f"{NOTES}:75: --lxc-conf=[] 指定容器的配置文件，只有在指定--exec-driver=lxc时使用\n" in out
    )
    assert "use 'service docker restart' (or 'systemctl restart docker')" in out
    summary = out.splitlines()[-1]
    match = re.fullmatch(r"9 findings in (\d+) commands checked", summary)
    assert match and int(match.group(1)) >= 60


def test_lint_json_is_one_finding_a_line(index: str) -> None:
    status, out, _ = run("lint", "--json", "--index", index)
    assert status == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["line"], r["kind"], r["token"], r["fix"]) for r in rows] == SHIPPED_FINDINGS
    assert all(r["path"] == NOTES for r in rows)
    duplicate = rows[7]
    assert duplicate["command"] == "ip netns exec test2 ip addr add 172.15.10.1/24 dev veth-test2"
    assert "veth-test1" in duplicate["message_en"] and "veth-test1" in duplicate["message_zh"]


def test_lint_in_chinese(index: str) -> None:
    status, out, _ = run("lint", "--lang", "zh", "--index", index)
    assert status == 1
    assert "  'docker' 没有子命令 'exe'，应为 'exec'\n" in out
    assert re.search(r"^共检查 \d+ 条命令，发现 9 个问题$", out, re.M)


def test_clean_notes_exit_0(tmp_path: Path) -> None:
    notes = tmp_path / "clean.md"
    notes.write_text(
        "# 容器\n\n列出容器：\ndocker ps -a\n\n进入容器：\ndocker exec -it web bash\n"
        "\n重启服务：\nsudo service docker restart\n",
        encoding="utf-8",
    )
    args = ("--corpus", str(notes), "--index", str(tmp_path / "index"))
    assert run("lint", *args) == (0, "0 findings in 3 commands checked\n", "")
    assert run("lint", "--json", *args) == (0, "", "")


def test_a_command_inside_a_block_is_reported_at_its_own_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "block.md").write_text(
        "# 镜像\n\n查看镜像：\n\n```\n$ docker imgaes\nREPOSITORY   TAG\nnginx   latest\n```\n",
        encoding="utf-8",
    )
    status, out, _ = run("lint", "--corpus", str(notes), "--index", str(tmp_path / "index"))
    assert status == 1
    assert out.startswith("notes/block.md:6: docker imgaes\n")
    assert "did you mean 'images'?" in out
    assert out.endswith("1 finding in 1 command checked\n")


def test_lint_help() -> None:
    status, out, _ = run("lint", "--help")
    assert status == 0 and "--json" in out


# --- warnings beside answers ----------------------------------------------------------------------

QUESTION = "生产环境中怎么进入容器"


def test_the_answer_shows_the_exec_warning(index: str) -> None:
    status, out, _ = run("ask", "--index", index, QUESTION)
    assert status == 0
    first = out.split("\n\n")[0].splitlines()
    assert first[0] == "docker exe -it CONTAINER_NAME bash"
    assert "  注意：'docker' 没有子命令 'exe'，应为 'exec'" in first


def test_the_answer_json_carries_warnings(index: str) -> None:
    status, out, _ = run("ask", "--json", "--index", index, QUESTION)
    assert status == 0
    result = json.loads(out)
    first = result["answers"][0]
    assert first["command"] == "docker exe -it CONTAINER_NAME bash"
    assert first["warnings"] == ["'docker' 没有子命令 'exe'，应为 'exec'"]
    assert first["source"] == {"path": NOTES, "line": 129, "end_line": 129}
    # answers without a finding keep exactly the fields they had
    for answer in result["answers"][1:]:
        if "warnings" not in answer:
            assert set(answer) == {
                "score",
                "kind",
                "command",
                "passage",
                "section",
                "source",
                "flags",
            }


def test_warnings_follow_the_language_of_the_question(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# docker\n\n删除所有容器：\ndocker rm $(docker psx -aq)\n", encoding="utf-8")
    args = ("--json", "--corpus", str(notes), "--index", str(tmp_path / "index"))
    zh = json.loads(run("ask", *args, "如何删除所有容器")[1])
    en = json.loads(run("ask", *args, "how do I delete all containers")[1])
    assert zh["answers"][0]["warnings"] == ["'docker' 没有子命令 'psx'，应为 'ps'"]
    assert en["answers"][0]["warnings"] == [
        "unknown subcommand 'psx' of 'docker'; did you mean 'ps'?"
    ]
    status, out, _ = run("ask", *args[1:], "how do I delete all containers")
    assert status == 0
    assert "  note: unknown subcommand 'psx' of 'docker'; did you mean 'ps'?" in out
