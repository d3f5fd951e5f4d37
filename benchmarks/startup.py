"""Time to the first prompt of `qa` (the chat REPL), against `python -c "import prompt_toolkit"`.

Runs the installed `qa` in a pseudo-terminal, as a user would, and measures from the spawn to
the moment the prompt is on the screen; then, typing a question the moment the prompt appears,
to the moment its answer is on the screen (that one includes loading the index, which runs in
the background while the prompt is shown). The baseline is measured in the same run.

    python benchmarks/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROMPT = "›".encode()  # the prompt's arrow: nothing before the prompt prints it
CPR_REQUEST = b"\x1b[6n"  # prompt_toolkit asks where the cursor is; a terminal answers
QUESTION = "如何删除所有容器"
ANSWER = b"docker rm"
TIMEOUT = 30.0


def installed_qa() -> str:
    beside = Path(sys.executable).with_name("qa")
    found = str(beside) if beside.is_file() else shutil.which("qa")
    if not found:
        sys.exit("startup.py: the qa console script is not installed (pip install -e .)")
    return found


def _read_until(fd: int, marker: bytes, seen: bytearray, deadline: float) -> bool:
    while marker not in seen:
        left = deadline - time.perf_counter()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        if CPR_REQUEST in chunk:
            os.write(fd, b"\x1b[1;1R")
        seen += chunk
    return True


def one_session(qa: str, env: dict[str, str], ask: bool) -> tuple[float, float | None]:
    """Seconds to the first prompt, and to the first answer when `ask`."""
    master, slave = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen([qa], stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True, start_new_session=True)
    os.close(slave)
    seen = bytearray()
    try:
        if not _read_until(master, PROMPT, seen, start + TIMEOUT):
            raise RuntimeError(f"no prompt within {TIMEOUT}s: {bytes(seen)[-300:]!r}")
        prompt = time.perf_counter() - start
        answer = None
        if ask:
            typed = time.perf_counter()
            os.write(master, QUESTION.encode() + b"\r")
            del seen[:]
            if not _read_until(master, ANSWER, seen, typed + TIMEOUT):
                raise RuntimeError(f"no answer within {TIMEOUT}s: {bytes(seen)[-300:]!r}")
            answer = time.perf_counter() - start
            del seen[:seen.index(ANSWER)]
            _read_until(master, PROMPT, seen, time.perf_counter() + TIMEOUT)  # the next prompt
        os.write(master, b"\x04")  # Ctrl-D (at a prompt: between prompts the tty is cooked)
        _read_until(master, b"\0never", seen, time.perf_counter() + TIMEOUT)  # drain to EOF
        proc.wait(TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return prompt, answer


def baseline(runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import prompt_toolkit"], check=True)
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="sessions of each kind (default 10)")
    args = parser.parse_args()
    qa = installed_qa()
    with tempfile.TemporaryDirectory(prefix="qa-startup-") as tmp:
        from qa.assistant import Assistant

        index = Path(tmp) / "index"
        Assistant(index=index).warm_up()  # built before timing: an index is usually warm
        env = dict(os.environ, QA_INDEX=str(index), XDG_DATA_HOME=str(Path(tmp) / "data"),
                   TERM=os.environ.get("TERM", "xterm-256color"))
        env.pop("NO_COLOR", None)
        one_session(qa, env, ask=False)  # warm the file cache for everyone alike
        base = baseline(args.runs)
        prompts = [one_session(qa, env, ask=False)[0] for _ in range(args.runs)]
        answers = [one_session(qa, env, ask=True)[1] or 0.0 for _ in range(args.runs)]

    def row(name: str, xs: list[float]) -> str:
        return f"{name:42s} median {statistics.median(xs) * 1000:7.1f} ms   " \
               f"min {min(xs) * 1000:7.1f} ms"

    ratio = statistics.median(prompts) / statistics.median(base)
    print(f"python {sys.version.split()[0]}, {args.runs} runs each, {qa}")
    print(row('baseline: python -c "import prompt_toolkit"', base))
    print(row("qa: first prompt on screen", prompts))
    print(row("qa: first answer, question typed at once", answers))
    print(f"ratio first prompt / baseline: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
