"""Where one app worker's time goes under load: py-spy samples the Python stack of the
thread that holds the GIL (so only time spent running Python, or native code called from
it, is counted, never a thread waiting), and this prints the share of the samples each
function was on the stack for, as `make bench`'s mixed load ran.

    python -m bench.load --profile-worker   (the profile goes to bench/results/worker_profile.txt)
"""

import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from harness import ROOT

PY_SPY = shutil.which("py-spy", path=str(ROOT / ".venv" / "bin")) or shutil.which("py-spy")
RESULTS = ROOT / "bench" / "results" / "worker_profile.txt"
LINE_NUMBER = re.compile(r":\d+\)")


def start(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    """py-spy recording `pid` for `seconds`, 100 samples a second, into `out` (raw)."""
    if PY_SPY is None:
        raise RuntimeError("py-spy is not installed (pip install -e '.[dev]')")
    return subprocess.Popen(
        [
            PY_SPY,
            "record",
            "--gil",
            "--rate",
            "100",
            "--duration",
            str(max(1, int(seconds))),
            "--format",
            "raw",
            "--output",
            str(out),
            "--pid",
            str(pid),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _stacks(raw: str) -> Iterator[tuple[list[str], int]]:
    """Each sampled stack, outermost frame first, line numbers aside, with its count. A
    raw line is `frame;frame;...;frame count`."""
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack:
            yield [LINE_NUMBER.sub(")", frame) for frame in stack.split(";")], int(count)


def shares(raw: str) -> tuple[int, list[tuple[float, str]]]:
    """The number of samples, and each function's share of them (on the stack at all),
    largest first."""
    total, on_stack = 0, Counter[str]()
    for frames, samples in _stacks(raw):
        total += samples
        for frame in set(frames):
            on_stack[frame] += samples
    ranked = [(samples / total, frame) for frame, samples in on_stack.most_common()]
    return total, ranked


def innermost(raw: str, within: str = "") -> list[tuple[float, str]]:
    """Each function's share of the samples in which it was the innermost frame; with
    `within`, the innermost frame whose file path holds it (the project's own code)."""
    total, last = 0, Counter[str]()
    for frames, samples in _stacks(raw):
        total += samples
        chosen = [frame for frame in frames if within in frame] if within else frames
        last[chosen[-1] if chosen else "(elsewhere)"] += samples
    return [(samples / total, frame) for frame, samples in last.most_common()]


def report(process: subprocess.Popen[bytes], out: Path, top: int = 60) -> str:
    """Wait for py-spy, then the `top` functions by share, one a line, as written to
    bench/results/worker_profile.txt."""
    _, err = process.communicate()
    if process.returncode != 0 or not out.exists():
        raise RuntimeError(f"py-spy failed: {err.decode(errors='replace')[-500:]}")
    total, ranked = shares(out.read_text())
    lines = [f"{total} samples of one app worker holding the GIL (py-spy --gil, 100/s)"]
    lines += [f"{share:6.1%}  {frame}" for share, frame in ranked[:top]]
    raw = out.read_text()
    lines += [
        "",
        "innermost frame of the project's own code (where its time went, with what it called)",
    ]
    lines += [f"{share:6.1%}  {frame}" for share, frame in innermost(raw, "undersigned/")[:30]]
    lines += ["", "innermost frame (the function running)"]
    lines += [f"{share:6.1%}  {frame}" for share, frame in innermost(raw)[:30]]
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    return text
