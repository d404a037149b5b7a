"""Opt-in by an optional dependency: a call into a package the project declares only as an
extra runs only where the extra is installed; a dependency, or a deployment file installing
the package or the extra, keeps it default."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

_PYPROJECT = '''\
    [project]
    name = "memkit"
    version = "1.0.0"
    dependencies = ["openai>=1.0", "qdrant-client>=1.12"]

    [project.optional-dependencies]
    extras = ["fastembed>=0.3", "sentence-transformers>=5.0"]
    test = ["pytest"]
'''

_CODE = '''\
    from openai import OpenAI


    def embed_local(texts):
        from fastembed import TextEmbedding
        return list(TextEmbedding(model_name="BAAI/bge-small-en-v1.5").embed(texts))


    def embed_hosted(texts):
        return OpenAI().embeddings.create(model="text-embedding-3-small", input=texts)
'''


def _reach(tmp_path: Path, files: dict[str, str]) -> dict[str | None, tuple[str, list[tuple[str, str, str]]]]:
    for name, source in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(source))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    return {e.host: (e.reach, sorted({(s.setting, s.condition, s.shipped) for s in e.switches})) for e in report.endpoints}


def test_a_call_into_a_package_only_an_extra_declares_is_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"pyproject.toml": _PYPROJECT, "memkit/__init__.py": "", "memkit/embed.py": _CODE})
    assert found["api.openai.com"] == ("default", [])
    assert found["huggingface.co"] == ("opt-in", [("optional dependency fastembed (extra extras)",
                                                    "the extra extras is installed", "fastembed is not a dependency")])


def test_a_poetry_optional_dependency_is_an_extra(tmp_path: Path) -> None:
    pyproject = '''\
        [tool.poetry]
        name = "memkit"

        [tool.poetry.dependencies]
        python = ">=3.10"
        openai = "^1.0"
        fastembed = { version = "^0.3", optional = true }

        [tool.poetry.extras]
        local = ["fastembed"]
    '''
    found = _reach(tmp_path, {"pyproject.toml": pyproject, "memkit/__init__.py": "", "memkit/embed.py": _CODE})
    assert found["huggingface.co"][0] == "opt-in"
    assert found["huggingface.co"][1][0][0] == "optional dependency fastembed (extra local)"


def test_a_package_that_is_also_a_dependency_is_default(tmp_path: Path) -> None:
    pyproject = _PYPROJECT.replace('"qdrant-client>=1.12"]', '"qdrant-client>=1.12", "fastembed"]')
    found = _reach(tmp_path, {"pyproject.toml": pyproject, "memkit/__init__.py": "", "memkit/embed.py": _CODE})
    assert found["huggingface.co"] == ("default", [])


def test_a_requirements_file_naming_the_package_installs_it(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"pyproject.toml": _PYPROJECT, "memkit/__init__.py": "", "memkit/embed.py": _CODE,
                              "deploy/requirements.txt": "openai==1.99.0\nFastEmbed==0.3.6\n"})
    assert found["huggingface.co"] == ("default", [])


def test_a_dockerfile_installing_the_extra_installs_it(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nCOPY . /app\nRUN pip install '/app[extras]'\nCMD [\"python\", \"-m\", \"memkit\"]\n"
    found = _reach(tmp_path, {"pyproject.toml": _PYPROJECT, "memkit/__init__.py": "", "memkit/embed.py": _CODE,
                              "Dockerfile": dockerfile})
    assert found["huggingface.co"] == ("default", [])


def test_without_package_metadata_nothing_is_an_extra(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"memkit/__init__.py": "", "memkit/embed.py": _CODE})
    assert found["huggingface.co"] == ("default", [])


def test_a_requirements_file_that_does_not_name_it_leaves_the_extra_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"pyproject.toml": _PYPROJECT, "memkit/__init__.py": "", "memkit/embed.py": _CODE,
                              "requirements.txt": "openai==1.99.0\nqdrant-client==1.12.0\n"})
    assert found["huggingface.co"][0] == "opt-in"


_TOP_LEVEL = '''\
    from fastembed import TextEmbedding


    def embed_local(texts):
        return list(TextEmbedding(model_name="BAAI/bge-small-en-v1.5").embed(texts))
'''


def test_a_plain_module_level_import_makes_the_module_need_the_extra(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"pyproject.toml": _PYPROJECT, "memkit/__init__.py": "from memkit.local import embed_local\n",
                              "memkit/local.py": _TOP_LEVEL})
    assert found["huggingface.co"] == ("default", [])


def test_a_module_level_import_in_a_try_body_is_optional(tmp_path: Path) -> None:
    code = _TOP_LEVEL.replace("    from fastembed import TextEmbedding\n",
                              "    try:\n        from fastembed import TextEmbedding\n        FASTEMBED = True\n"
                              "    except ImportError:\n        FASTEMBED = False\n")
    found = _reach(tmp_path, {"pyproject.toml": _PYPROJECT, "memkit/__init__.py": "from memkit.local import embed_local\n",
                              "memkit/local.py": code})
    assert found["huggingface.co"][0] == "opt-in"


def test_a_module_only_imported_lazily_needs_the_extra_only_when_loaded(tmp_path: Path) -> None:
    search = '''\
        def find(description):
            from memkit.local import embed_local
            return embed_local([description])
    '''
    found = _reach(tmp_path, {"pyproject.toml": _PYPROJECT, "memkit/__init__.py": "", "memkit/local.py": _TOP_LEVEL,
                              "memkit/search.py": search})
    assert found["huggingface.co"][0] == "opt-in"


def test_a_cached_scan_sees_a_requirements_file_change(tmp_path: Path) -> None:
    """The result cache is keyed by the install files too: adding the extra's package to a
    requirements file makes the call default on the next cached scan, as on a scan without cache."""
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    for name, source in {"pyproject.toml": _PYPROJECT, "memkit/__init__.py": "", "memkit/embed.py": _CODE}.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(textwrap.dedent(source))

    def hub_reach() -> str:
        report = scan(tree, ScanOptions(jobs=1, cache_dir=cache)).report
        return next(e.reach for e in report.endpoints if e.host == "huggingface.co")

    assert hub_reach() == "opt-in"
    (tree / "requirements.txt").write_text("fastembed==0.3.6\n")
    assert hub_reach() == "default"
