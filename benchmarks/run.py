"""Every performance figure of qa, each beside the baseline it is judged against, in one run.

    python benchmarks/run.py [--out benchmarks/out] [--sizes 1000,10000,40000] [--repeat 5]

1. cold one-shot `qa ask` on the shipped notes, against `python -c "import numpy"`;
   and that the query path imports neither scikit-learn nor jieba's full dictionary
2. warm `Assistant.ask` median on the shipped notes (limit: 2 ms)
3. for each collection size (made by make_corpus.py, the largest ~40,000 files / ~18 MB):
   `qa index` from scratch against plain jieba + TfidfVectorizer over the same files, peak
   memory of all build processes, index size, re-index after one file changes (against the
   full build), warm and cold asks
Times are wall-clock medians of separate processes, baselines timed in the same run, so the
ratios hold on a loaded machine better than the seconds do.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from make_corpus import write_corpus  # noqa: E402

PY = sys.executable
QUESTION = "如何删除所有容器"
QUESTIONS = [QUESTION, "查看最后一个容器的信息", "how do I delete all containers", "容器的内存上限",
             "docker run -p", "如何查看镜像列表", "怎么进入正在运行的容器", "删除无用的数据卷",
             "how to list volumes", "git 回滚最后一次提交", "压缩目录为 tar.gz", "查看端口占用"]

BASELINE = """
import sys, logging
import jieba
from sklearn.feature_extraction.text import TfidfVectorizer
from qa.index import find_notes
from qa.notes import decode
jieba.setLogLevel(logging.WARNING)
files, _ = find_notes(__import__("pathlib").Path(sys.argv[1]))
def texts():
    for nf in files:
        try:
            yield decode(nf.path.read_bytes())
        except (OSError, ValueError):
            yield ""
vectorizer = TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None, lowercase=False)
m = vectorizer.fit_transform(texts())
print(m.shape[0], m.shape[1])
"""

WARM = """
import json, statistics, sys, time
from qa import Assistant
a = Assistant(corpus=sys.argv[1], index=sys.argv[2])
questions = json.loads(sys.argv[3])
for q in questions:
    a.ask(q)
times = []
for _ in range(int(sys.argv[4])):
    for q in questions:
        t = time.perf_counter()
        a.ask(q)
        times.append(time.perf_counter() - t)
print(json.dumps({"median": statistics.median(times), "p90": sorted(times)[int(len(times) * .9)]}))
"""

LIGHT = """
import sys
from qa.cli import main
with open("/dev/null", "w") as devnull:
    main(["ask", "--corpus", sys.argv[1], "--index", sys.argv[2], sys.argv[3]], stdout=devnull)
jieba = sys.modules.get("jieba")
print("sklearn" in sys.modules, bool(jieba and jieba.dt.initialized),
      "qa.tokenize" in sys.modules and sys.modules["qa.tokenize"].full_dictionary.__name__)
"""


# --- measuring ------------------------------------------------------------------------------
def _tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(d))
            except OSError:
                continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, ()))
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(cmd: list[str], memory: bool = False, env: dict[str, str] | None = None
        ) -> tuple[float, int, str]:
    """Wall seconds, peak memory (sum of PSS over the process tree, KB; 0 unless asked), stdout."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env=env)
    peak = [0]
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(proc.pid)))
            stop.wait(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    if memory:
        watcher.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t
    stop.set()
    if memory:
        watcher.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode()[-2000:]}")
    return seconds, peak[0], out.decode()


def median_of(cmds: list[list[str]], repeat: int) -> list[float]:
    """Median wall time of each command, the commands interleaved (same load for each)."""
    times: list[list[float]] = [[] for _ in cmds]
    for _ in range(repeat):
        for i, c in enumerate(cmds):
            times[i].append(run(c)[0])
    return [statistics.median(t) for t in times]


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def current_build(index: Path) -> Path:
    return index / (index / "CURRENT").read_text().strip()


def qa(*args: str) -> list[str]:
    return [PY, "-m", "qa", *args]


# --- the figures ----------------------------------------------------------------------------
def shipped(out: Path, repeat: int) -> list[tuple[str, str, str, str, str]]:
    corpus, index = ROOT / "corpus", out / "index-shipped"
    shutil.rmtree(index, ignore_errors=True)
    run(qa("index", "--corpus", str(corpus), "--index", str(index)))
    ask = qa("ask", "--corpus", str(corpus), "--index", str(index), QUESTION)
    numpy_s, ask_s = median_of([[PY, "-c", "import numpy"], ask], repeat)
    sk, full_dict, _ = run([PY, "-c", LIGHT, str(corpus), str(index), QUESTION])[2].split()
    warm = json.loads(run([PY, "-c", WARM, str(corpus), str(index), json.dumps(QUESTIONS),
                           "20"])[2])
    return [
        ("cold `qa ask` (shipped notes)", f"{ask_s:.3f} s", f"import numpy {numpy_s:.3f} s",
         f"{ask_s / numpy_s:.2f}x", "<= 3.5x"),
        ("  query path imports scikit-learn / loads jieba's dictionary", f"{sk} / {full_dict}",
         "", "", "False / False"),
        ("warm Assistant.ask median (shipped notes)", f"{warm['median'] * 1000:.2f} ms",
         f"p90 {warm['p90'] * 1000:.2f} ms", "", "<= 2 ms"),
    ]


def scale(out: Path, files: int, repeat: int) -> dict[str, Any]:
    corpus = write_corpus(out, files, 18.0, 7)
    index = out / f"index-{files}"
    shutil.rmtree(index, ignore_errors=True)
    n_files = json.loads((corpus / ".summary.json").read_text())
    base_s, base_mem, _ = run([PY, "-c", BASELINE, str(corpus)], memory=True)
    build_s, build_mem, _ = run(qa("index", "--corpus", str(corpus), "--index", str(index)),
                                memory=True)
    size = folder_size(current_build(index))
    # one file changes: a line appended to a note in the middle of the collection
    notes = sorted((corpus / "notes").rglob("*.md"))
    target = notes[len(notes) // 2]
    original = target.read_bytes()
    try:
        target.write_bytes(original + "\n清理构建缓存：\ndocker builder prune --all\n".encode())
        re_s, _, report = run(qa("index", "--corpus", str(corpus), "--index", str(index)))
    finally:
        target.write_bytes(original)
    run(qa("index", "--corpus", str(corpus), "--index", str(index)))  # back to the original
    cold = [run(qa("ask", "--corpus", str(corpus), "--index", str(index), QUESTION), memory=True)
            for _ in range(repeat)]
    warm = json.loads(run([PY, "-c", WARM, str(corpus), str(index), json.dumps(QUESTIONS),
                           "5"])[2])
    return {"files": n_files["files"], "mb": n_files["bytes"] / 1e6, "baseline_s": base_s,
            "baseline_mb": base_mem / 1024, "build_s": build_s, "build_mb": build_mem / 1024,
            "index_mb": size / 1e6, "reindex_s": re_s, "reindex_report": report.strip(),
            "cold_s": statistics.median(c[0] for c in cold),
            "cold_mb": statistics.median(c[1] for c in cold) / 1024,
            "warm_ms": warm["median"] * 1000, "warm_p90_ms": warm["p90"] * 1000}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(HERE / "out"))
    ap.add_argument("--sizes", default="1000,10000,40000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", help="also write the figures to this file")
    a = ap.parse_args()
    out = Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}\n")
    rows = shipped(out, a.repeat)
    w = max(len(r[0]) for r in rows)
    for r in rows:
        print(f"{r[0]:<{w}}  {r[1]:>14}  {r[2]:>22}  {r[3]:>7}  goal {r[4]}")
    print()
    figures = [scale(out, int(n), max(3, a.repeat // 2)) for n in a.sizes.split(",")]
    print("| files | MB | qa index | jieba+TfidfVectorizer | ratio (<=0.5) | build memory "
          "(<=800 MB) | index size | re-index 1 file | ratio (<=0.1) | warm ask median "
          "| cold ask (<=1.5 s) | cold ask memory |")
    print("|" + "---|" * 12)
    for f in figures:
        print(f"| {f['files']:,} | {f['mb']:.1f} | {f['build_s']:.1f} s | {f['baseline_s']:.1f} s "
              f"| {f['build_s'] / f['baseline_s']:.2f} | {f['build_mb']:.0f} MB "
              f"(baseline {f['baseline_mb']:.0f} MB) | {f['index_mb']:.0f} MB "
              f"| {f['reindex_s']:.2f} s | {f['reindex_s'] / f['build_s']:.3f} "
              f"| {f['warm_ms']:.1f} ms (p90 {f['warm_p90_ms']:.1f}) | {f['cold_s']:.2f} s "
              f"| {f['cold_mb']:.0f} MB |")
    for f in figures:
        print(f"re-index at {f['files']:,} files: {f['reindex_report'].splitlines()[0]}")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    if a.json:
        Path(a.json).write_text(json.dumps({"shipped": rows, "scale": figures}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
