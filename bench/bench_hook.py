"""Time the pre-commit hook on a ~1,000-file repository with a warm cache and one changed file.

The tree (issue 11's "~1,000 Python files with configs"): litellm 1.55.0's sdist (571 .py files,
with its proxy YAML configs, Dockerfiles, a CloudFormation template and an .env template) plus five
folders of langchain-community 0.4.2's package (llms, chat_models, embeddings, utilities,
vectorstores: 402 .py files, under ``langchain_community/``), both from the corpus dir
(``bench_scan.py --fetch``). It is copied into a throwaway git repository and committed.

Each repetition: the tree is put back as committed and scanned (the warm cache and the recorded
report are those of the unchanged tree, as after the previous commit), one change is made, and
``flowscan pre-commit FILE`` is timed in a fresh child process: wall time and CPU time
(user+sys of the child and its workers, from ``os.wait4``). The changes:

- ``comment``: a comment appended to the changed file (no fact changes);
- ``real``: an import of requests and a function posting to a US host appended to
  ``litellm/llms/custom_llm.py`` (a new outbound call: a new endpoint and findings).

    python bench/bench_hook.py [--corpus-dir /work/corpus] [--reps 3] [--change real] [--keep DIR]

Prints one line per run and a Markdown table of medians; ``--stats`` adds flowscan's phase times
(one extra ``flowscan pre-commit FILE --stats`` run per change, not timed in the table).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LITELLM = "litellm-1.55.0"
LANGCHAIN = "langchain_community-0.4.2/langchain_community"
LANGCHAIN_FOLDERS = ("llms", "chat_models", "embeddings", "utilities", "vectorstores")
CHANGED = "litellm/llms/custom_llm.py"
REAL_CHANGE = '''

import requests


def report_usage(payload):
    return requests.post("https://api.example-us.com/v1", json=payload)
'''
COMMENT_CHANGE = "\n# reviewed\n"
CHANGES = {"comment": COMMENT_CHANGE, "real": REAL_CHANGE}
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


def build_repo(corpus: Path, repo: Path) -> int:
    """The tree, committed in a new git repository; returns its number of .py files."""
    shutil.copytree(corpus / LITELLM, repo)
    target = repo / "langchain_community"
    target.mkdir()
    shutil.copy2(corpus / LANGCHAIN / "__init__.py", target / "__init__.py")
    for folder in LANGCHAIN_FOLDERS:
        shutil.copytree(corpus / LANGCHAIN / folder, target / folder)
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "init"], cwd=repo, check=True, env=env)
    return sum(1 for _ in repo.rglob("*.py"))


def flowscan(args: list[str], repo: Path, cache: Path) -> tuple[float, float, int, str]:
    """One flowscan child in ``repo``: (wall seconds, CPU seconds, exit status, stderr)."""
    env = {**os.environ, "FLOWSCAN_CACHE_DIR": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as after pip install: compiled bytecode is kept
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "flowscan", *args], cwd=repo, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    err = child.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status), err


def restore(repo: Path) -> None:
    subprocess.run(["git", "checkout", "-q", "--", "."], cwd=repo, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-dir", type=Path, default=Path("/work/corpus"))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--change", choices=sorted(CHANGES), action="append",
                        help="which change to time (repeat; default: both)")
    parser.add_argument("--stats", action="store_true", help="also print flowscan's --stats for each change")
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it (default: a temp dir)")
    args = parser.parse_args()
    changes = args.change or ["comment", "real"]
    work = args.keep or Path(tempfile.mkdtemp(prefix="flowscan-hook-"))
    repo, cache = work / "repo", work / "cache"
    if repo.exists():
        shutil.rmtree(repo)
    shutil.rmtree(cache, ignore_errors=True)
    files = build_repo(args.corpus_dir, repo)
    wall, cpu, _, _ = flowscan(["scan", ".", "-q"], repo, cache)
    print(f"tree: {files} .py files in {repo}; cold scan {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
    rows = []
    for name in changes:
        walls, cpus = [], []
        for rep in range(args.reps):
            restore(repo)
            flowscan(["scan", ".", "-q"], repo, cache)  # the warm cache and record of the committed tree
            with (repo / CHANGED).open("a") as handle:
                handle.write(CHANGES[name])
            wall, cpu, status, err = flowscan(["pre-commit", CHANGED], repo, cache)
            if status not in (0, 1):
                print(err, file=sys.stderr)
                return 2
            walls.append(wall)
            cpus.append(cpu)
            print(f"{name} #{rep + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU, exit {status}", file=sys.stderr)
        if args.stats:
            restore(repo)
            flowscan(["scan", ".", "-q"], repo, cache)
            with (repo / CHANGED).open("a") as handle:
                handle.write(CHANGES[name])
            _, _, _, err = flowscan(["pre-commit", CHANGED, "--stats"], repo, cache)
            print("\n".join(f"{name}: {line}" for line in err.splitlines() if "flowscan stats:" in line),
                  file=sys.stderr)
        rows.append((name, statistics.median(walls), min(walls), statistics.median(cpus), min(cpus)))
    restore(repo)
    print(f"| change ({files} .py files, {args.reps} runs) | wall median | wall min | CPU median | CPU min |")
    print("|---|---|---|---|---|")
    for name, wall_med, wall_min, cpu_med, cpu_min in rows:
        print(f"| {name} | {wall_med:.2f} s | {wall_min:.2f} s | {cpu_med:.2f} s | {cpu_min:.2f} s |")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
