"""The corpora list (``bench/corpora.yaml``) and ``--fetch``: download and unpack each release."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CORPORA_FILE = Path(__file__).resolve().parent.parent / "corpora.yaml"
MANIFEST = "bench-fetch.json"  # in the corpus dir: what --fetch got for each corpus
PIP_TIMEOUT_S = 900


@dataclass
class Corpus:
    name: str
    pip: str
    folder: str
    artifact: str = "sdist"
    targets: dict[str, float] = field(default_factory=dict)

    @property
    def project(self) -> str:
        return re.split(r"[=<>!~ \[]", self.pip, maxsplit=1)[0]


@dataclass
class CorporaConfig:
    corpora: list[Corpus]
    scaling: str | None
    targets: dict[str, float]

    def get(self, name: str) -> Corpus:
        for corpus in self.corpora:
            if corpus.name == name:
                return corpus
        raise SystemExit(f"no corpus named {name!r} in {CORPORA_FILE} (have: {', '.join(c.name for c in self.corpora)})")

    def by_folder(self, tree: Path) -> Corpus | None:
        return next((c for c in self.corpora if c.folder == tree.resolve().name), None)

    def targets_for(self, corpus: Corpus | None) -> dict[str, float]:
        return {**self.targets, **(corpus.targets if corpus else {})}


def load_corpora(path: Path = CORPORA_FILE) -> CorporaConfig:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    corpora = [Corpus(name=str(c["name"]), pip=str(c["pip"]), folder=str(c["folder"]),
                      artifact=str(c.get("artifact", "sdist")),
                      targets={k: float(v) for k, v in (c.get("targets") or {}).items()})
               for c in data["corpora"]]
    targets = {k: float(v) for k, v in (data.get("targets") or {}).items()}
    return CorporaConfig(corpora=corpora, scaling=data.get("scaling"), targets=targets)


def _pip_download(args: list[str], dest: Path) -> tuple[Path | None, str]:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-d", str(dest), *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {PIP_TIMEOUT_S} s"
    files = sorted(p for p in dest.iterdir() if p.name.endswith((".tar.gz", ".zip", ".whl")))
    if proc.returncode != 0 or not files:
        return None, (proc.stderr.strip().splitlines() or ["no file downloaded"])[-1]
    return files[0], ""


def _unpack(archive: Path, target: Path) -> None:
    """Unpack an sdist (its single top folder becomes ``target``) or a wheel (into ``target``)."""
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
    try:
        if archive.name.endswith(".whl"):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(staging)
            staging.rename(target)
            return
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(staging)
        else:
            with tarfile.open(archive) as tf:
                tf.extractall(staging, filter="data")
        entries = list(staging.iterdir())
        (entries[0] if len(entries) == 1 and entries[0].is_dir() else staging).rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fetch(corpora: list[Corpus], corpus_dir: Path) -> int:
    """Download and unpack every corpus not yet in ``corpus_dir``; record what was used. 0 if all present."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = corpus_dir / MANIFEST
    manifest: dict[str, Any] = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    failures = 0
    for corpus in corpora:
        target = corpus_dir / corpus.folder
        if target.is_dir():
            print(f"{corpus.name}: {target} already present", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory(prefix=".download-", dir=corpus_dir) as tmp:
            kind = "sdist"
            archive, why = _pip_download(["--no-binary", corpus.project, corpus.pip], Path(tmp))
            if archive is None:
                print(f"{corpus.name}: no sdist ({why}); trying the wheel", file=sys.stderr)
                kind = "wheel"
                archive, why = _pip_download(["--only-binary", ":all:", corpus.pip], Path(tmp))
            if archive is None:
                print(f"{corpus.name}: download failed: {why}", file=sys.stderr)
                failures += 1
                continue
            kept = corpus_dir / archive.name
            shutil.move(str(archive), kept)
        _unpack(kept, target)
        if kind != corpus.artifact:
            print(f"{corpus.name}: WARNING got the {kind}, corpora.yaml records the {corpus.artifact}; "
                  f"its inventory may differ", file=sys.stderr)
        manifest[corpus.name] = {"pip": corpus.pip, "artifact": kind, "file": kept.name, "folder": corpus.folder}
        print(f"{corpus.name}: {kept.name} ({kind}) -> {target}", file=sys.stderr)
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return 1 if failures else 0
