"""Timed child processes: flowscan, ``ast.parse``, Semgrep; tree copies for warm and scaling runs.

Every measurement is one fresh child process. Wall time is taken around the child, and its
peak RSS comes from ``os.wait4`` (``ru_maxrss`` of the child and of the children it waited
for, i.e. the largest single process of the tree, not their sum).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flowscan.discover import SKIP_DIRS

REPO = Path(__file__).resolve().parents[2]
SEMGREP_VENV = Path("/work/semgrep-venv")
PEER_RULES = Path("/work/shared/bench/semgrep-peer-rules.yaml")

_AST_CHILD = """
import ast, sys, time, warnings
paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
warnings.simplefilter("ignore")
start = time.perf_counter()
for path in paths:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        ast.parse(data)
    except (SyntaxError, ValueError):
        pass
print(time.perf_counter() - start)
"""


@dataclass
class Run:
    seconds: float
    rss_mib: float
    returncode: int
    stdout: str
    stderr: str

    def failure(self, what: str) -> str:
        """One line: the exit status and the error (a traceback's last line, or click's ``Error:`` line)."""
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()] or ["(no stderr)"]
        error = next((line for line in lines if line.startswith("Error:")), lines[-1])
        return f"{what} exited {self.returncode}: {error[:300]}"


def run_child(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` to completion; wall time and the child's peak RSS (os.wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, proc.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


PYCACHE = Path(tempfile.gettempdir()) / "flowscan-bench-pycache"


def base_env() -> dict[str, str]:
    """The environment for flowscan children: no policy or cache settings from the caller, and
    compiled bytecode kept (outside the repository, in ``PYCACHE``) as ``pip install`` keeps it,
    even where the caller sets ``PYTHONDONTWRITEBYTECODE``: else every run recompiles flowscan."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"FLOWSCAN_POLICY", "FLOWSCAN_CACHE_DIR", "PYTHONDONTWRITEBYTECODE"}}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def flowscan_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "flowscan.cli", *args]


def flowscan_entry() -> list[str]:
    """The ``flowscan`` console script a user would run (``python -m flowscan.cli`` if missing)."""
    script = Path(sys.executable).parent / "flowscan"
    return [str(script)] if script.exists() else flowscan_cmd()


def scan(tree: Path, cache_dir: Path | None = None) -> tuple[Run, dict[str, Any] | None]:
    """One flowscan scan of ``tree`` (``--no-cache`` unless ``cache_dir``); the run and its JSON report."""
    env = base_env()
    args = ["scan", str(tree), "--format", "json", "--fail-on", "never", "--all-code"]  # the whole inventory
    if cache_dir is None:
        args.append("--no-cache")
    else:
        env["FLOWSCAN_CACHE_DIR"] = str(cache_dir)
    run = run_child(flowscan_cmd(*args), env)
    if run.returncode != 0:
        return run, None
    try:
        return run, json.loads(run.stdout)
    except json.JSONDecodeError as exc:
        run.returncode, run.stderr = -1, f"report is not JSON: {exc}"
        return run, None


def python_files(root: Path) -> list[Path]:
    """The .py files under ``root``, without the folders flowscan skips, sorted."""
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        out.extend(Path(dirpath) / f for f in sorted(filenames) if f.endswith(".py"))
    return out


def count_lines(files: list[Path]) -> int:
    return sum(path.read_bytes().count(b"\n") for path in files)


def time_ast(list_file: Path) -> tuple[float, float]:
    """Seconds to read and ``ast.parse`` every file in ``list_file`` in one fresh process: the
    loop alone, and the whole process (interpreter start-up included, as for flowscan)."""
    run = run_child([sys.executable, "-c", _AST_CHILD, str(list_file)])
    if run.returncode != 0:
        raise RuntimeError(run.failure("ast.parse child"))
    return float(run.stdout.strip()), run.seconds


# --- Semgrep -------------------------------------------------------------------------------


def semgrep_binary(install: bool) -> tuple[Path | None, str]:
    """Semgrep from its own venv (installed there if missing and ``install``); or None and why."""
    binary = SEMGREP_VENV / "bin" / "semgrep"
    if not PEER_RULES.exists():
        return None, f"peer rules {PEER_RULES} missing"
    if not binary.exists() and install:
        print(f"installing semgrep into {SEMGREP_VENV} ...", file=sys.stderr)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(SEMGREP_VENV)], check=True, capture_output=True)
            subprocess.run([str(SEMGREP_VENV / "bin" / "pip"), "install", "-q", "semgrep"], check=True,
                           capture_output=True, timeout=1200)
        except (subprocess.SubprocessError, OSError) as exc:
            return None, f"semgrep install failed: {exc}"
    if not binary.exists():
        return None, f"semgrep not installed in {SEMGREP_VENV}"
    proc = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=False,
                          env={**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0"})
    if proc.returncode != 0:
        return None, f"`semgrep --version` exited {proc.returncode}"
    return binary, proc.stdout.strip()


def time_semgrep(binary: Path, tree: Path) -> Run:
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    return run_child([str(binary), "scan", "--metrics=off", "--config", str(PEER_RULES), "--json",
                      "-o", os.devnull, str(tree)], env)


# --- tree copies ---------------------------------------------------------------------------


def _copy_or_link(src: str, dst: str) -> None:
    """Python files are copied (they may be edited); other files are hard-linked, never written."""
    if src.endswith(".py"):
        shutil.copy2(src, dst)
    else:
        _link_or_copy(src, dst)


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns(*SKIP_DIRS), copy_function=_copy_or_link)


def link_tree(src: Path, dst: Path) -> None:
    """Hard-link copy of ``src`` (for trees that are only read afterwards)."""
    shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def top_level_packages(root: Path) -> list[Path]:
    """Folders with an ``__init__.py`` whose parent has none."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        here = Path(dirpath)
        if "__init__.py" in filenames and not (here.parent / "__init__.py").exists() and here != root:
            found.append(here)
    return found


def make_renamed_copy(src: Path, dst: Path, suffix: str) -> int:
    """Copy ``src`` to ``dst`` with every top-level package renamed NAME -> NAME+suffix.

    ``import NAME`` / ``from NAME`` lines are rewritten to match, so the copies of one tree
    are distinct programs whose module names do not collide. Returns the packages renamed.
    """
    copy_tree(src, dst)
    packages = top_level_packages(dst)
    names = sorted({p.name for p in packages if p.name.isidentifier()})
    for package in sorted(packages, key=lambda p: len(p.parts), reverse=True):
        if package.name in names:
            package.rename(package.with_name(package.name + suffix))
    if not names:
        return 0
    pattern = re.compile(rb"^([ \t]*(?:from|import)[ \t]+)(" + b"|".join(re.escape(n.encode()) for n in names)
                         + rb")(?=[ \t.,;\n\r]|$)", re.MULTILINE)
    replacement = rb"\g<1>\g<2>" + suffix.encode()
    for path in python_files(dst):
        data = path.read_bytes()
        new = pattern.sub(replacement, data)
        if new != data:
            path.write_bytes(new)
    return len(names)
