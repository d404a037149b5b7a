"""The hostile set, scanned as a user would (the CLI, every output): each threat of issue 12 in
one tree, large files generated here. Every costly file is named with its reason, the planted
endpoints are kept, the exit code means what it says, nothing planted runs, and no planted
secret reaches the console, JSON, SARIF, notes or the cache. Plus the cache refusing what it
did not write, and properties over random documents built from what flowscan resolves."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowscan.api import ScanOptions, scan
from flowscan.cache import FactCache
from flowscan.cli import main
from flowscan.python.extract import extract_python

SECRETS = ("sk-proj-PLANTEDplantedPLANTED123", "hdr-PLANTED-999", "PLANTEDjwtsig", "PLANTED-getenv-default",
           "PLANTEDpw42", "PLANTED-bearer-token-77", "PLANTED-env-word")
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.PLANTEDjwtsig"


class Marker:
    """Unpickling this would create the marker file: the cache must never run it."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def hostile_tree(root: Path) -> Path:
    files = {
        # the planted endpoints, with secrets in every place a snippet or note can show them
        "app/main.py": (
            "import os\nimport requests\n"
            "KEY = os.getenv('OPENAI_API_KEY', 'PLANTED-getenv-default')\n"
            "requests.post('https://api.openai.com/v1/chat', headers={'x-api-key': 'hdr-PLANTED-999',\n"
            "              'Authorization': 'Bearer PLANTED-bearer-token-77'})\n"
            f"requests.get('https://user:PLANTEDpw42@api.mistral.ai/v1', params={{'jwt': '{JWT}'}})\n"
            "requests.get('https://api.anthropic.com/v1', timeout=5, auth=('u', 'sk-proj-PLANTEDplantedPLANTED123'))\n"),
        "app/deep.py": "import requests\nx = " + "(" * 2000 + "1" + ")" * 2000
                       + "\nrequests.get('https://api.cohere.com/v1')\n",
        "app/concat.py": "import requests\nURL = (" + " +\n".join(["'a'"] * 20000) + ")\n"
                         "requests.get('https://api.groq.com/v1')\n",
        "app/broken.py": "import requests\ndef f(:\n" + "(" * 2000 + ")" * 2000 + "\n",
        "app/biglist.py": "import requests\nDATA = [" + ", ".join(f"'item{i}'" for i in range(120_000)) + "]\n",
        "deploy/Dockerfile": "FROM python:3.11\nENV BIG=" + "a" * 1_900_000 + "\n",
        "deploy2/Dockerfile": "FROM python:3.11\nENV A=1 PLANTED-env-word\nENV TOKEN=PLANTED-env-word\n",
        "compose/docker-compose.yml": "services:\n  app:\n    image: x\n    environment:\n"
                                      + "".join(f"      K{i}: v{i}\n" for i in range(95_000)),
        "infra/main.tf": 'locals {\n' + "".join(f'  k{i} = "v{i}"\n' for i in range(100_000)) + "}\n",
        "bomb.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\n"
                     + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                               for p, c in zip("abcdefgh", "bcdefghi")),
        "nested.yaml": "[" * 20000 + "]" * 20000 + "\n",
        "k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\nkind: [bad: x\n  - : :\n",
    }
    marker = root.parent / "marker"
    files["app/evil.py"] = f"import requests\nopen({str(marker)!r}, 'w')\nrequests.get('https://api.openai.com')\n"
    files["evil.yaml"] = f"x: !!python/object/apply:os.system ['touch {marker}']\n"
    files["app/huge.py"] = "# " + "x" * 100 + "\n" * 1 + ("X = 1\n" * 400_000)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    os.mkfifo(root / "app" / "fifo.py")
    return root


SKIPS = {  # path -> words its reason must hold
    "app/biglist.py": "minified or generated",
    "deploy/Dockerfile": "minified or generated",
    "compose/docker-compose.yml": "yaml file larger than 1,000 KB",
    "infra/main.tf": "terraform file larger than 256 KB",
    "bomb.yaml": "alias bomb",
    "app/fifo.py": "not a regular file",
    "app/huge.py": "larger than 2 MB",
}


def test_the_hostile_set(tmp_path: Path) -> None:
    root = hostile_tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    env = {"FLOWSCAN_CACHE_DIR": str(cache)}
    runner = CliRunner()
    console = runner.invoke(main, ["scan", str(root), "--allow", "eu"], env=env)
    as_json = runner.invoke(main, ["scan", str(root), "--allow", "eu", "--format", "json"], env=env)
    sarif = runner.invoke(main, ["scan", str(root), "--allow", "eu", "--format", "sarif"], env=env)
    for result in (console, as_json, sarif):
        assert result.exit_code == 1, result.output  # region-not-allowed errors: exit 1, not a crash
        assert "Traceback" not in result.output
    report = json.loads(as_json.output)
    skipped = {s["path"]: s["reason"] for s in report["coverage"]["files_skipped"]}
    for path, words in SKIPS.items():
        assert words in skipped.get(path, ""), (path, skipped.get(path))
    hosts = {e["host"] for e in report["endpoints"]}
    assert {"api.openai.com", "api.mistral.ai", "api.anthropic.com", "api.cohere.com", "api.groq.com"} <= hosts
    errors = {(e["path"], e["line"]) for e in report["coverage"]["parse_errors"]}
    assert {("app/deep.py", 2), ("app/concat.py", 2), ("app/broken.py", 3), ("k8s/deploy.yaml", 6),
            ("nested.yaml", 1)} <= errors  # libyaml refuses 20,000 nested '[' itself
    assert not any(f["rule"] == "scan/internal-error" for f in report["findings"])
    assert not (tmp_path / "marker").exists()  # nothing planted ran
    cached = b"".join(p.read_bytes() for p in cache.rglob("*") if p.is_file())
    assert cached, "the cache wrote nothing"
    outputs = {"console": console.output, "json": as_json.output, "sarif": sarif.output,
               "notes": "\n".join(report["coverage"]["notes"]), "cache": cached.decode("utf-8", "replace")}
    for where, text in outputs.items():
        for secret in SECRETS:
            assert secret not in text, (where, secret)


def test_the_cache_runs_nothing_and_rebuilds_what_it_cannot_read(tmp_path: Path) -> None:
    data = b"import requests\nrequests.get('https://api.openai.com/v1')\n"
    cache = FactCache(tmp_path)
    entry = cache.directory / cache.key("a.py", data)[:2] / cache.key("a.py", data)
    entry.parent.mkdir(parents=True)
    marker = tmp_path / "marker"
    wrong_type = json.dumps({"format": 1, "version": entry.parent.parent.name, "value": {"@": "ModuleFacts",
                                                                                          "path": 7}})
    for planted in (pickle.dumps(Marker(str(marker))), b"\x00garbage", wrong_type.encode()):
        entry.write_bytes(planted)
        assert cache.load("a.py", data) is None
        facts = cache.get_or_make("a.py", data, extract_python)  # rebuilt and written again
        assert [c.line for c in facts.calls] == [2] and cache.load("a.py", data) is not None
    assert not marker.exists()
    other = FactCache(tmp_path)
    assert other.load("b.py", data) is None  # an entry is facts of the file it is keyed by only


# -- properties over random documents built from what flowscan resolves --------------------------

HOSTS = ("api.openai.com", "api.mistral.ai", "generativelanguage.googleapis.com")
_names = st.from_regex(r"[A-Z][A-Z_]{0,8}", fullmatch=True)
_noise = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@st.composite
def python_app(draw) -> dict[str, str]:
    host = draw(st.sampled_from(HOSTS))
    name = draw(_names)
    pieces = draw(st.integers(1, 40))
    value = " + ".join([f"'https://{host}'"] + ["''"] * pieces)
    how = draw(st.sampled_from(["direct", "variable", "fstring", "getenv"]))
    lines = ["import os", "import requests"]
    if how == "direct":
        lines.append(f"requests.get('https://{host}/v1')")
    elif how == "variable":
        lines += [f"{name} = {value}", f"requests.get({name} + '/v1')"]
    elif how == "fstring":
        lines += [f"{name} = '{host}'", f"requests.get(f'https://{{{name}}}/v1')"]
    else:
        lines += [f"requests.get(os.getenv('{name}_URL', 'https://{host}/v1'))"]
    noise = draw(st.lists(st.sampled_from([
        "x = " + "(" * 300 + "1" + ")" * 300, "def f(:", "y = [1, 2", "# " + "z" * 100, "class C: pass"]), max_size=2))
    files = {"app/main.py": "\n".join(lines) + "\n", "app/noise.py": "import requests\n" + "\n".join(noise) + "\n"}
    files[".env"] = f"{name}_KEY={draw(_noise).replace(chr(10), ' ')}\nOTHER=1\n"
    files["config.yaml"] = draw(st.sampled_from([
        "services:\n  app:\n    image: x\n", "a: [", "---\nkind: Deployment\n---\n: : :\n", "x: &a [*a]\n"]))
    return files


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(files=python_app())
def test_random_apps_keep_their_endpoint_and_report_the_same_twice(tmp_path_factory, files: dict[str, str]) -> None:
    root = tmp_path_factory.mktemp("app")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    options = ScanOptions(cache_dir=None, jobs=1)
    first = scan(root, options).report
    second = scan(root, options).report
    planted = next(h for h in HOSTS if h in files["app/main.py"])
    assert planted in {e.host for e in first.endpoints}
    assert first == second


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_bytes_never_crash_the_python_extractor(data: bytes) -> None:
    facts = extract_python("x.py", b"import requests\n" + data)
    assert facts.path == "x.py"
