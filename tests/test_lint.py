"""qa.lint: the Docker CLI vocabulary and the checker of command lines found in notes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa.lint import (
    KINDS,
    Finding,
    LintItem,
    answer_warnings,
    check_command,
    check_commands,
    check_flag_entry,
    lint_passages,
    vocabulary,
)
from qa.model import FlagEntry, Passage
from qa.notes import parse_text

NOTES = Path(__file__).resolve().parents[1] / "corpus" / "2018-05-09-docker-notes-1.md"
FLAG_KEYS = {"short", "long", "value", "status", "replacement"}


def _summary(line: str) -> list[tuple[str, str, str | None]]:
    return [(f.kind, f.token, f.fix) for f in check_command(line)]


# --- the data file -------------------------------------------------------------------------------


def _roots() -> dict[str, dict[str, Any]]:
    data = vocabulary()
    tools = {"docker": data, **data["tools"]}
    return {
        name: {"flags": t["global_flags"], "subcommands": t["commands"]}
        for name, t in tools.items()
    }


def _nodes() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(path, node, tool root) for every command, management command and tool root."""
    found = []

    def visit(path: str, node: dict[str, Any], root: dict[str, Any]) -> None:
        found.append((path, node, root))
        for name, child in node.get("subcommands", {}).items():
            visit(f"{path} {name}", child, root)

    for name, root in _roots().items():
        visit(name, root, root)
    return found


def _command(path: str) -> dict[str, Any]:
    """The node a typed command path reaches, following aliases: `_command("docker run")`."""
    program, *names = path.split()
    root = _roots()[program]
    node = root
    for name in names:
        node = node["subcommands"][name]
        while "alias_of" in node:
            target = root
            for step in node["alias_of"].split():
                target = target["subcommands"][step]
            node = target
    return node


def _names(path: str) -> set[str]:
    return {n for f in _command(path)["flags"] for n in (f["short"], f["long"]) if n}


def test_data_header() -> None:
    data = vocabulary()
    assert data["version"] == 1
    assert data["reference"] == "Docker CLI 27 (docker.com reference)"
    assert data["tools"]["docker-machine"]["status"] == "deprecated"


@pytest.mark.parametrize("path,node,root", _nodes(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_is_well_formed(
    path: str, node: dict[str, Any], root: dict[str, Any]
) -> None:
    assert set(node) <= {
        "flags",
        "subcommands",
        "alias_of",
        "args",
        "interspersed",
        "unchecked",
        "flag_prefixes",
    }
    if "alias_of" in node:
        assert set(node) == {"alias_of"}, f"{path}: an alias carries nothing of its own"
        target = root
        for name in node["alias_of"].split():
            target = target["subcommands"][name]
        assert "alias_of" not in target, f"{path}: alias of an alias"
        return
    assert isinstance(node["flags"], list)
    assert isinstance(node.get("subcommands", {}), dict)
    assert isinstance(node.get("args", 0), int) and node.get("args", 0) >= 0
    assert isinstance(node.get("interspersed", False), bool)
    seen: set[str] = set()
    for flag in node["flags"]:
        assert set(flag) == FLAG_KEYS, f"{path}: {flag}"
        assert flag["short"] or flag["long"], f"{path}: a flag needs a name"
        assert flag["short"] is None or re.fullmatch(r"-[A-Za-z0-9]", flag["short"]), flag
        assert flag["long"] is None or re.fullmatch(r"--[a-z0-9][A-Za-z0-9-]*", flag["long"]), flag
        assert isinstance(flag["value"], bool)
        assert flag["status"] in ("current", "deprecated", "removed"), flag
        for name in (flag["short"], flag["long"]):
            assert name not in seen, f"{path}: {name} twice"
            if name:
                seen.add(name)
    for flag in node["flags"]:
        if flag["status"] == "current":
            assert flag["replacement"] is None, flag
        elif flag["replacement"] is not None:
            replacement = [
                f for f in node["flags"] if flag["replacement"] in (f["short"], f["long"])
            ]
            assert replacement, (
                f"{path}: {flag['long']} → {flag['replacement']}, which it does not have"
            )
            assert replacement[0]["status"] == "current"


def test_vocabulary_covers_what_notes_use() -> None:
    commands = set(vocabulary()["commands"])
    assert {
        "run",
        "exec",
        "ps",
        "images",
        "rm",
        "rmi",
        "start",
        "stop",
        "restart",
        "kill",
        "logs",
        "inspect",
        "commit",
        "build",
        "pull",
        "push",
        "login",
        "logout",
        "tag",
        "search",
        "history",
        "cp",
        "attach",
        "create",
        "port",
        "top",
        "stats",
        "version",
        "info",
        "save",
        "load",
        "export",
        "import",
        "network",
        "volume",
        "image",
        "container",
        "system",
        "compose",
        "builder",
        "buildx",
    } <= commands
    compose = set(_command("docker compose")["subcommands"])
    assert {
        "up",
        "down",
        "ps",
        "logs",
        "build",
        "pull",
        "exec",
        "run",
        "restart",
        "stop",
        "start",
        "config",
    } <= compose
    machine = set(_command("docker-machine")["subcommands"])
    assert {
        "create",
        "ls",
        "ssh",
        "stop",
        "start",
        "rm",
        "env",
        "ip",
        "inspect",
        "restart",
    } <= machine
    assert {"--author", "-a", "--message", "-m", "--change", "-c", "--pause", "-p"} <= _names(
        "docker commit"
    )
    assert "--rm" in _names("docker buildx build") and "-t" in _names("docker build")


@pytest.mark.parametrize("command", ["docker run", "docker create", "docker container run"])
def test_run_and_create_have_the_modern_flags(command: str) -> None:
    assert {
        "--network",
        "--net",
        "--restart",
        "--rm",
        "--privileged",
        "--cap-add",
        "--cap-drop",
        "--cpuset-cpus",
        "--cpuset",
        "--lxc-conf",
        "--memory",
        "-m",
        "--cpu-shares",
        "-c",
        "--publish",
        "-p",
        "--publish-all",
        "-P",
        "--volume",
        "-v",
        "--volumes-from",
        "--workdir",
        "-w",
        "--user",
        "-u",
        "--hostname",
        "-h",
        "--env",
        "-e",
        "--env-file",
        "--entrypoint",
        "--expose",
        "--link",
        "--dns",
        "--dns-search",
        "--device",
        "--cidfile",
        "--name",
        "--interactive",
        "-i",
        "--tty",
        "-t",
        "--attach",
        "-a",
        "--mount",
        "--init",
    } <= _names(command)
    flags = {f["long"]: f for f in _command(command)["flags"]}
    assert (flags["--cpuset"]["status"], flags["--cpuset"]["replacement"]) == (
        "removed",
        "--cpuset-cpus",
    )
    assert (flags["--lxc-conf"]["status"], flags["--lxc-conf"]["replacement"]) == ("removed", None)
    assert (flags["--link"]["status"], flags["--link"]["replacement"]) == (
        "deprecated",
        "--network",
    )
    assert (flags["--net"]["status"], flags["--net"]["replacement"]) == ("deprecated", "--network")


def test_only_run_has_detach_and_sig_proxy() -> None:
    assert {"--detach", "-d", "--sig-proxy"} <= _names("docker run")
    assert not {"--detach", "-d", "--sig-proxy"} & _names("docker create")


# --- findings on wrong lines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line,expected",
    [
        ("docker exe -it c bash", [("unknown-subcommand", "exe", "exec")]),
        ("docker psx", [("unknown-subcommand", "psx", "ps")]),
        ("docker imgaes", [("unknown-subcommand", "imgaes", "images")]),
        ("docker network lss", [("unknown-subcommand", "lss", "ls")]),
        ("docker-machine lss", [("unknown-subcommand", "lss", "ls")]),
        ("docker frobnicate", [("unknown-subcommand", "frobnicate", None)]),
        ("docker run --detatch nginx", [("unknown-flag", "--detatch", "--detach")]),
        ("docker run --memroy 1g x", [("unknown-flag", "--memroy", "--memory")]),
        (
            "docker run --priviledged -it alpine",
            [("unknown-flag", "--priviledged", "--privileged")],
        ),
        ("docker run -name web nginx", [("unknown-flag", "-name", "--name")]),
        ("docker run --lxc-conf=lxc.utsname=x busybox", [("removed-flag", "--lxc-conf", None)]),
        ("docker run --cpuset 0,1 busybox", [("removed-flag", "--cpuset", "--cpuset-cpus")]),
        ("docker run --net=host nginx", [("deprecated-flag", "--net", "--network")]),
        ("docker run -d --net host nginx", [("deprecated-flag", "--net", "--network")]),
        ("docker stop --time 5 web", [("deprecated-flag", "--time", "--timeout")]),
        ("docker search --stars=10 nginx", [("removed-flag", "--stars", "--filter")]),
        ("docker login -e me@example.com", [("removed-flag", "-e", None)]),
        ("docker ps -aZ", [("unknown-flag", "-Z", None)]),
        ("docker ps -A", [("unknown-flag", "-A", "-a")]),
        ("docker ps -aq --sise", [("unknown-flag", "--sise", "--size")]),
        ("docker image", [("missing-subcommand", "docker image", "docker images")]),
        ("docker container", [("missing-subcommand", "docker container", "docker ps")]),
        ("docker network", [("missing-subcommand", "docker network", "docker network ls")]),
        ("docker system", [("missing-subcommand", "docker system", None)]),
        (
            'docker rmi $(docker image |grep "none")',
            [("missing-subcommand", "docker image", "docker images")],
        ),
        (
            "docker ps -a && docker exe web ls; docker run --memroy 1g x | tee log",
            [("unknown-subcommand", "exe", "exec"), ("unknown-flag", "--memroy", "--memory")],
        ),
        ("sudo docker psx", [("unknown-subcommand", "psx", "ps")]),
        ("sudo -u root docker psx", [("unknown-subcommand", "psx", "ps")]),
        ("docker rm -f `docker psx -q`", [("unknown-subcommand", "psx", "ps")]),
        ('docker rm "$(docker ps -aZ)"', [("unknown-flag", "-Z", None)]),
        ("docker compose up --detatch", [("unknown-flag", "--detatch", "--detach")]),
        ('docker exe -it web sh -c "echo', [("unknown-subcommand", "exe", "exec")]),
        (
            "docker run --memroy=1g --cpuset=0 alpine",
            [
                ("unknown-flag", "--memroy", "--memory"),
                ("removed-flag", "--cpuset", "--cpuset-cpus"),
            ],
        ),
    ],
)
def test_wrong_lines_are_reported(line: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert _summary(line) == expected


def test_messages_in_both_languages() -> None:
    (exe,) = check_command("docker exe -it CONTAINER_NAME bash")
    assert exe == Finding(
        "unknown-subcommand",
        "exe",
        "unknown subcommand 'exe' of 'docker'; did you mean 'exec'?",
        "'docker' 没有子命令 'exe'，应为 'exec'",
        "exec",
    )
    (cpuset,) = check_command("docker run --cpuset=0 busybox")
    assert cpuset.message_en == "flag '--cpuset' of 'docker run' was removed; use '--cpuset-cpus'"
    assert cpuset.message_zh == "'docker run' 的选项 '--cpuset' 已被移除，请改用 '--cpuset-cpus'"
    (image,) = check_command("docker image")
    assert "docker images" in image.message_en and "docker images" in image.message_zh
    assert image.to_dict()["fix"] == "docker images"


def test_single_letters_are_case_sensitive() -> None:
    assert check_command("docker run -d -P nginx") == ()
    assert check_command("docker run -d -p 80:80 nginx") == ()
    assert _summary("docker ps -L") == [("unknown-flag", "-L", "-l")]


@pytest.mark.parametrize(
    "line,expected",
    [
        ("docker run -itd --rm alpine sh", []),
        ("docker exec -itu root web bash", []),  # -u takes 'root' as its value
        ("docker run -dp 8080:80 nginx", []),
        ("docker run -m512m -itd redis", []),  # the value glued to its letter
        ("docker ps -aqs", []),
        ("docker run -itx alpine", [("unknown-flag", "-x", None)]),
        ("docker ps -aQ", [("unknown-flag", "-Q", "-q")]),
        ("docker rm -fv $(docker ps -aqf status=exited)", []),
    ],
)
def test_combined_short_flags_are_read_letter_by_letter(
    line: str, expected: list[tuple[str, str, str | None]]
) -> None:
    assert _summary(line) == expected


# --- lines that must stay clean -------------------------------------------------------------------

# Every docker / docker-machine command line of the shipped notes, except the wrong ones
# (`docker exe ...`, `docker rmi $(docker image |grep "none")`) and the deprecated --link one,
# plus the commands inside its prose ("我们可以用 docker pull centos:6 下载主镜像").
NOTES_LINES = [
    "sudo docker image ls",
    "docker-machine create demo1   #创建一台linux虚机",
    "docker-machine ls",
    "docker-machine ssh demo1    #进入虚机",
    "docker-machine stop demo1",
    "docker search centos # 搜索镜像",
    "docker pull alpine# 获取镜像",
    "docker images # 查看本地镜像",
    "docker rm ID # 删除容器",
    "docker rmi ID #删除镜像",
    "docker ps # 查看容器",
    "docker ps -a",
    "docker ps -l # 查看最后一个容器的信息",
    "docker commit 容器名 镜像名  # 把退出状态的容器commit成新的images",
    "docker run -it 镜像名  # 通过镜像启动容器",
    "docker run -d 镜像名  # 通过镜像后台启动容器",
    "docker start CONTAINER_NAME",
    "docker stop CONTAINER_NAME",
    'docker container ls -f "status=exited" -q # 列出所有状态是退出的容器，-q可以只列出来id',
    "docker rm $(docker container ls -aq) #删除所有容器",
    "docker rmi $(docker image ls -q) # 删除所有镜像",
    "docker rmi $(docker image ls |grep \"fangfu123/ubuntu-stress\"|awk '{print $3}')"
    " # 有条件的删除指定镜像",
    "docker rm $(docker ps -a |grep \"Exited\"|awk '{print $1}') # 有条件的删除指定容器",
    "docker exec test1 ip a # 返回容器test1执行'ip a'命令结果",
    "docker run -d --name test2 -e hostname=host busybox"
    ' /bin/sh -c "while true; do sleep 3600; done"  # -e是定义环境变量',
    "docker inspect 容器ID # 显示容器详细信息",
    "docker logs 容器ID # 容器运行日志",
    "docker history ImageID",
    "docker run -d -P --name mynginx nginx",
    "docker run -d -p 90:80 --name mynginx1 nginx",
    "docker run -it --name test1 -h centos-01 -v /data centos",
    "docker run -it --name test2 -h centos-02 -v /opt/centos-02:/data centos",
    'docker commit -m "centos with git" -a "fangfutest" ee2fbabbbcde fangfu123/my-centos:v1',
    "docker images",
    "docker pull centos:6",
    "docker pull centos:7",
    "docker login",
    "docker push <hub-user>/<repo-name>:<tag>",
    "docker push fangfu123/django:v1",
    "docker build -t fangfu123/centos-vim-new .",
    "docker network ls",
    "docker network inspect networkID",
    "docker network create -d bridge my-bridge",
    "docker network inspect my-bridge",
    "docker network connect my-bridge test1",
    "docker network connect my-bridge test2",
    "docker run --name web -d -p 80:80 nginx",
    "docker run -d -v mysql:/var/lib/mysql --name mysql1 -e MYSQL_ALLOW_EMPTY_PASSWORD=true mysql"
    "  # 空密码为true",
    "docker run -d -v mysql:/var/lib/mysql -p 3306:3306 --name mysql1"
    " -e MYSQL_ROOT_PASSWORD=root mysql",
    "docker volume ls",
    "docker volume rm volumeID",
    "docker run -d -v $(pwd):/root -p 80:80 --name nginx nginx"
    " # 当前目录映射到容器的root目录下，会自动同步",
    "docker cp file.txt mycontainer:/opt/test/",
    "docker cp mycontainer:/opt/test/file.txt .",
]

REAL_USAGE = [
    "docker run -it --rm alpine sh",
    "docker ps -aq",
    "docker run -d --name x busybox /bin/sh -c 'while true; do sleep 1; done'",
    "docker run -d -p 8080:80 --name web nginx:1.25",
    'docker run --rm -it -v "$PWD":/app -w /app python:3.11 python app.py --verbose -c x',
    "docker run -d --restart=always --network host --cap-add NET_ADMIN --privileged alpine",
    "docker run -d --cpuset-cpus 0,1 --memory 512m --cpu-shares 512 -m512m -p8080:80 redis",
    "docker run --rm --entrypoint /bin/sh alpine -c 'echo hi'",
    "docker run -d --env-file .env --expose 9000 --dns 8.8.8.8 --dns-search lan --hostname h1 x",
    "docker run -d --volumes-from data --user 1000:1000 --device /dev/snd --cidfile /tmp/cid x",
    "docker run --cap-drop MKNOD --dns-option ndots:2 --sig-proxy=false --volume=/a:/b busybox top",
    "docker run --detach=false --interactive=true --tty=true --rm=false --attach STDOUT busybox",
    'docker run -it ubuntu:22.04 /bin/bash -c "apt-get update && apt-get install -y git"',
    "docker create --name data -v /data busybox",
    "docker exec -it -u root web bash",
    "docker exec -e FOO=bar web env",
    "docker logs -f --tail 100 web",
    "docker logs --since 10m -t 容器ID",
    'docker ps -a --filter "status=exited" --format "{{.ID}}\\t{{.Names}}"',
    "docker rmi -f $(docker images -q -f dangling=true)",
    "docker rm -f $(docker ps -aq) 2>/dev/null",
    "docker system prune -af --volumes",
    "docker image prune -a",
    "docker volume create mydata",
    "docker network create --driver bridge --subnet 172.18.0.0/16 mynet",
    "docker inspect -f '{{.NetworkSettings.IPAddress}}' web",
    "docker stats --no-stream",
    "docker top web aux -ef",
    "docker save -o busybox.tar busybox && docker load -i busybox.tar",
    "docker save busybox > busybox.tar",
    "docker export web > web.tar",
    "docker import web.tar myimage:latest",
    "docker tag fangfu123/django:v1 fangfu123/django:latest",
    "docker login -u fangfu123 --password-stdin < token.txt",
    "docker logout",
    "docker build --no-cache -f Dockerfile.dev --build-arg VERSION=1 -t app:dev .",
    "docker build --rm --force-rm -t app .",
    "docker buildx build --platform linux/amd64,linux/arm64 -t app --push .",
    "docker builder prune -af",
    "docker compose up -d --build",
    "docker compose -f docker-compose.prod.yml down -v --remove-orphans",
    "docker compose logs -f --tail=50 web",
    "docker compose exec web python manage.py migrate --noinput",
    'docker compose run --rm web sh -c "pytest -q"',
    "docker compose ps",
    "docker compose config",
    "docker compose pull && docker compose restart",
    "docker version --format '{{.Server.Version}}'",
    "docker --version",
    "docker -H tcp://10.0.0.1:2375 ps -a",
    "docker info",
    "docker port web 80",
    "docker attach web",
    "docker kill -s HUP web",
    "docker restart -t 5 web",
    "docker search --limit 5 --filter is-official=true nginx",
    "docker history --no-trunc nginx",
    "docker commit -c 'CMD [\"nginx\"]' -p web mynginx:v2",
    "docker commit --author fangfu --message init --pause=false web img",
    "docker container prune -f",
    "docker container stop $(docker container ls -q)",
    "docker image --help",
    "docker ps --help",
    "docker rm {{容器}}",
    "docker exec -it {{container}} {{command}}",
    "$ docker ps",
    "DOCKER_HOST=tcp://x:2375 docker ps",
    "eval $(docker-machine env demo1)",
    "docker-machine create -d virtualbox --virtualbox-memory 2048 demo2",
    "docker-machine env demo1",
    "docker-machine ip demo1",
    "docker-machine inspect demo1",
    "docker-machine restart demo1",
    "docker-machine start demo1",
    "docker-machine rm -f demo1",
    "docker-machine ssh demo1 docker ps -a --whatever",
    "docker ps -q | xargs docker rm -f",
]


@pytest.mark.parametrize("line", NOTES_LINES + REAL_USAGE)
def test_correct_lines_are_clean(line: str) -> None:
    assert check_command(line) == ()


def test_link_is_accepted_but_deprecated() -> None:
    line = (
        'docker run -d --name test2 --link test1 busybox /bin/sh -c "while true; do sleep 1; done"'
    )
    assert _summary(line) == [("deprecated-flag", "--link", "--network")]


@pytest.mark.parametrize(
    "line",
    [
        "sudo systemctl start docker",
        "ip netns exec test1 ip a",
        "brctl show",
        "docker登录：",
        "我们可以用 docker pull centos:6 下载主镜像",
        "",
        "   ",
        "docker",
    ],
)
def test_other_programs_and_prose_are_not_checked(line: str) -> None:
    assert check_command(line) == ()


def test_every_command_line_of_the_notes() -> None:
    """The shipped notes: clean, except the two wrong lines and the deprecated --link."""
    found = {}
    for number, line in enumerate(NOTES.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(r"\s*(sudo\s+)?docker(-machine)?\s", line):
            found[number] = _summary(line.strip())
    assert len(found) >= 50
    assert {n: f for n, f in found.items() if f} == {
        108: [("missing-subcommand", "docker image", "docker images")],
        129: [("unknown-subcommand", "exe", "exec")],
        217: [("deprecated-flag", "--link", "--network")],
    }


# --- never crashes -------------------------------------------------------------------------------

WORDS = [
    "docker",
    "docker-machine",
    "sudo",
    "run",
    "exec",
    "image",
    "ps",
    "compose",
    "up",
    "-it",
    "-aq",
    "--net=host",
    "--memroy",
    "-p8080:80",
    "$(",
    ")",
    "`",
    "|",
    "&&",
    ";",
    "'",
    '"',
    "#",
    "\\",
    "--",
    "-",
    "-h",
    "=",
    ">",
    "2>&1",
    "<tag>",
    "{{x}}",
    "容器ID",
    "\n",
]


@given(st.one_of(st.text(), st.lists(st.sampled_from(WORDS)).map(" ".join)))
def test_never_crashes_and_messages_stay_on_one_line(line: str) -> None:
    for finding in check_command(line):
        assert finding.kind in KINDS
        assert len(finding.message_en.splitlines()) == 1
        assert len(finding.message_zh.splitlines()) == 1


# --- service NAME ACTION --------------------------------------------------------------------------


def test_an_action_glued_to_a_service_name_is_reported() -> None:
    (glued,) = check_command("sudo service docker.restart")
    assert (glued.kind, glued.token, glued.fix) == (
        "unknown-service",
        "docker.restart",
        "docker restart",
    )
    assert "'service docker restart'" in glued.message_en
    assert "'systemctl restart docker'" in glued.message_en
    assert "'service docker restart'" in glued.message_zh
    assert _summary("service nginx.reload") == [("unknown-service", "nginx.reload", "nginx reload")]


@pytest.mark.parametrize(
    "line",
    [
        "sudo service docker restart",
        "service --status-all",
        "service php7.4-fpm restart",
        "service php7.4",  # '4' is no action: perhaps a service of that name
        "service docker.service restart",
        "sudo systemctl restart docker",
    ],
)
def test_well_formed_service_lines_are_clean(line: str) -> None:
    assert check_command(line) == ()


# --- flag entries the notes describe --------------------------------------------------------------


def _entry(short: str | None, long: str | None, family: str | None = "docker run") -> FlagEntry:
    return FlagEntry(short, long, None, "描述", family)


@pytest.mark.parametrize(
    "entry,expected",
    [
        (_entry(None, "--lxc-conf"), [("removed-flag", "--lxc-conf", None)]),
        (_entry(None, "--net"), [("deprecated-flag", "--net", "--network")]),
        (_entry(None, "--cpuset"), [("removed-flag", "--cpuset", "--cpuset-cpus")]),
        (_entry(None, "--link"), [("deprecated-flag", "--link", "--network")]),
        (_entry("-t", "--time", "docker stop"), [("deprecated-flag", "--time", "--timeout")]),
        (_entry("-m", "--memory"), []),
        (_entry("-P", "--publish-all"), []),
        (_entry(None, "--network", "docker container run"), []),
        # whose flag a described entry is, the parser guesses: a name the guess lacks is no finding
        (_entry(None, "--exec-driver"), []),
        (_entry(None, "--lxc-conf", "dockerd"), []),
        (_entry(None, "--lxc-conf", None), []),
        (_entry(None, "--lxc-conf", " "), []),
    ],
)
def test_flag_entries_that_describe_retired_flags(
    entry: FlagEntry, expected: list[tuple[str, str, str | None]]
) -> None:
    assert [(f.kind, f.token, f.fix) for f in check_flag_entry(entry)] == expected


# --- what only the sequence of a file's commands shows --------------------------------------------

VETH = [
    "ip netns add test1",
    "ip netns add test2",
    "ip link add veth-test1 type veth peer name veth-test2",
    "ip link set veth-test1 netns test1",
    "ip link set veth-test2 netns test2",
    "ip netns exec test1 ip addr add 172.15.10.1/24 dev veth-test1",
    "ip netns exec test2 ip addr add {second} dev veth-test2",
    "ip netns exec test1 ip link set dev veth-test1 up",
]


def _sequence(commands: list[str]) -> list[tuple[int, str, str, str | None]]:
    numbered = list(enumerate(commands, 201))
    results = check_commands(numbered)
    return [
        (line, f.kind, f.token, f.fix)
        for (line, _), fs in zip(numbered, results, strict=True)
        for f in fs
    ]


def test_both_ends_of_a_veth_pair_given_one_address() -> None:
    commands = [c.format(second="172.15.10.1/24") for c in VETH]
    assert _sequence(commands) == [(207, "duplicate-address", "172.15.10.1/24", "172.15.10.2/24")]
    duplicate = check_commands(list(enumerate(commands, 201)))[6][0]
    assert "veth-test1" in duplicate.message_en and "line 206" in duplicate.message_en
    assert "veth-test1" in duplicate.message_zh and "第 206 行" in duplicate.message_zh


def test_the_suggested_address_is_free_and_in_the_network() -> None:
    commands = [
        "ip link add a type veth peer name b",
        "ip link add c type veth peer name d",
        "ip addr add 10.0.0.2/24 dev c",
        "ip addr add 10.0.0.254/24 dev a",
        "ip addr add 10.0.0.254/24 dev b",
    ]
    assert _sequence(commands)[0][3] == "10.0.0.1/24"  # .255 is the broadcast address


@pytest.mark.parametrize(
    "commands",
    [
        [c.format(second="172.15.10.2/24") for c in VETH],
        # the same address twice, but on devices that are no veth pair
        ["ip addr add 10.1.0.1/24 dev eth0", "ip netns exec n1 ip addr add 10.1.0.1/24 dev eth0"],
        [
            "ip link add v0 type veth peer name v1",
            "ip addr add 10.2.0.1/24 dev v0",
            "ip addr del 10.2.0.1/24 dev v0",
            "ip addr add 10.2.0.1/24 dev v1",
        ],
        # the end given the address is another device of the same name, in another namespace
        [
            "ip link add v0 type veth peer name v1",
            "ip link set v1 netns n1",
            "ip addr add 10.3.0.1/24 dev v0",
            "ip -n n2 addr add 10.3.0.1/24 dev v1",
        ],
    ],
)
def test_sequences_without_a_conflict_are_clean(commands: list[str]) -> None:
    assert _sequence(commands) == []


def test_other_ways_of_writing_the_same_setup() -> None:
    commands = [
        "sudo ip link add name left netns red type veth peer right netns blue",
        "sudo ip -n red a add 192.168.7.1/30 dev left",
        "sudo ip -n blue address add dev right local 192.168.7.1/30",
    ]
    assert _sequence(commands) == [(203, "duplicate-address", "192.168.7.1/30", "192.168.7.2/30")]


def test_each_line_is_still_checked_on_its_own() -> None:
    assert _sequence(["docker exe web sh", "docker ps"]) == [
        (201, "unknown-subcommand", "exe", "exec")
    ]


# --- the notes as a whole -------------------------------------------------------------------------

NOTES_TEXT = """# 笔记

重启 docker：
sudo service docker.restart

列出容器：

```
$ docker psx -a
CONTAINER ID   IMAGE

```

docker run的相关参数:
```
Usage: docker run [OPTIONS] IMAGE [COMMAND] [ARG...]
  -m, --memory=""            指定容器的内存上限
  --lxc-conf=[]              指定容器的配置文件
```

正确的命令：
docker ps -a
"""


def _passages(text: str = NOTES_TEXT, path: str = "notes/a.md") -> list[Passage]:
    return parse_text(text, path).passages


def test_lint_passages_places_each_finding_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text(NOTES_TEXT, encoding="utf-8")
    items, checked = lint_passages(_passages(path="notes/a.md"), tmp_path / "notes")
    assert [(i.path, i.line, i.command, i.finding.kind) for i in items] == [
        ("notes/a.md", 4, "sudo service docker.restart", "unknown-service"),
        ("notes/a.md", 9, "docker psx -a", "unknown-subcommand"),
        ("notes/a.md", 18, "--lxc-conf=[] 指定容器的配置文件", "removed-flag"),
    ]
    assert checked == 4  # the Usage synopsis of the flag table is a command line too, and clean
    assert items[1].to_dict() == {
        "path": "notes/a.md",
        "line": 9,
        "command": "docker psx -a",
        "kind": "unknown-subcommand",
        "token": "psx",
        "message_en": "unknown subcommand 'psx' of 'docker'; did you mean 'ps'?",
        "message_zh": "'docker' 没有子命令 'psx'，应为 'ps'",
        "fix": "ps",
    }


def test_lint_passages_without_the_files_places_a_block_command_at_the_block() -> None:
    items, _ = lint_passages(_passages())
    # `$ docker psx -a` (a command at a prompt, its output after it) is a command passage
    # ending on its line; the flag table's entry is placed at its block
    assert [i.line for i in items] == [4, 9, 18]


def test_lint_passages_keeps_files_apart() -> None:
    first = _passages(
        "ip link add a type veth peer name b\nip addr add 10.0.0.1/24 dev a\n", "1.md"
    )
    second = _passages(
        "ip link add a type veth peer name b\nip addr add 10.0.0.1/24 dev b\n", "2.md"
    )
    items, checked = lint_passages(first + second)
    assert items == [] and checked == 4


def test_lint_items_are_frozen() -> None:
    item = LintItem("a.md", 1, "docker psx", check_command("docker psx")[0])
    with pytest.raises(AttributeError):
        item.line = 2  # type: ignore[misc]


# --- warnings on answers --------------------------------------------------------------------------


def _passage_at(passages: list[Passage], line: int) -> Passage:
    return next(p for p in passages if p.source.line <= line <= p.source.end_line)


def test_answer_warnings_speak_the_question_language() -> None:
    passages = _passages()
    exe = _passage_at(passages, 4)
    assert answer_warnings(exe, "zh", lambda: passages) == (
        check_command(str(exe.command))[0].message_zh,
    )
    assert answer_warnings(exe, "mix", lambda: passages)[0].startswith("没有叫 'docker.restart'")
    assert answer_warnings(exe, "en", lambda: passages)[0].startswith("'docker.restart' is not")
    lxc = _passage_at(passages, 18)
    assert answer_warnings(lxc, "en", lambda: passages) == (
        "flag '--lxc-conf' of 'docker run' was removed",
    )
    assert answer_warnings(_passage_at(passages, 17), "en", lambda: passages) == ()
    assert answer_warnings(_passage_at(passages, 22), "en", lambda: passages) == ()


def test_answer_warnings_read_the_notes_only_when_the_commands_around_matter() -> None:
    text = "\n".join(c.format(second="172.15.10.1/24") for c in VETH) + "\n"
    passages = _passages(text, "veth.md")
    reads: list[int] = []

    def notes() -> list[Passage]:
        reads.append(1)
        return passages

    (warning,) = answer_warnings(_passage_at(passages, 7), "en", notes)
    assert "already on 'veth-test1'" in warning and "line 6" in warning
    assert answer_warnings(_passage_at(passages, 6), "en", notes) == ()
    assert len(reads) == 2
    assert answer_warnings(_passage_at(passages, 3), "en", notes) == ()
    assert len(reads) == 2


IP_WORDS = [
    "ip",
    "sudo",
    "netns",
    "exec",
    "n1",
    "-n",
    "link",
    "add",
    "set",
    "a",
    "addr",
    "del",
    "dev",
    "v0",
    "v1",
    "type",
    "veth",
    "peer",
    "name",
    "netns",
    "10.0.0.1/24",
    "10.0.0.1/32",
    "10.0.0.0/31",
    "fe80::1/64",
    "local",
    "service",
    "x.restart",
    "|",
    ";",
]


@given(st.lists(st.lists(st.sampled_from(IP_WORDS), max_size=12).map(" ".join), max_size=8))
def test_sequences_never_crash(commands: list[str]) -> None:
    results = check_commands(list(enumerate(commands, 1)))
    assert len(results) == len(commands)
    for findings in results:
        assert all(f.kind in KINDS and len(f.message_en.splitlines()) == 1 for f in findings)
