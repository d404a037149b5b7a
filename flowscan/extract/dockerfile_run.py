"""The hosts a Dockerfile's ``RUN pip install`` lines download from when the image is built:
every URL among the words of the pip command (an ``--index-url`` / ``-i`` or
``--extra-index-url`` value, ``--find-links``, a ``git+https://HOST/...`` requirement, a wheel
URL), as :class:`ConfigEndpoint` entries of the Dockerfile.

pip's options and VCS requirement forms: pip 23.2.1 src/pip/_internal/cli/cmdoptions.py
(index_url, extra_index_url, find_links) and https://pip.pypa.io/en/stable/topics/vcs-support/.
The default index (PyPI) of a plain ``RUN pip install`` is not reported: building an image from
public packages is not a destination of the application. ``$VAR`` references are substituted
from the stage's ``ARG`` / ``ENV`` values; a URL whose reference is not known statically is an
unknown host.
"""

from __future__ import annotations

from collections.abc import Callable

from ..configfacts import ConfigEndpoint
from ..model import Step
from ..urls import url_start
from .compose import substitute
from .shell import OPERATORS, split_words

SDK = "Dockerfile RUN pip install"
_PIP = ("pip", "pip3")


def pip_run_endpoints(path: str, line: int, command: str, lookup: Callable[[str], str | None]) -> list[ConfigEndpoint]:
    """The URLs the pip commands of one ``RUN`` instruction (shell form) name."""
    words = split_words(command) or []
    out: list[ConfigEndpoint] = []
    simple: list[str] = []
    for word in [*words, ";"]:
        if word not in OPERATORS:
            simple.append(word)
            continue
        if _is_pip_install(simple):
            out.extend(e for e in (_endpoint(path, line, w, lookup) for w in simple) if e is not None)
        simple = []
    return out


def _is_pip_install(words: list[str]) -> bool:
    """``pip install``, ``pip3 install`` or ``python -m pip install`` among the words."""
    return any(words[i].rsplit("/", 1)[-1] in _PIP and words[i + 1] == "install" for i in range(len(words) - 1))


def _endpoint(path: str, line: int, word: str, lookup: Callable[[str], str | None]) -> ConfigEndpoint | None:
    """The URL in one word, references substituted; None when the word holds none."""
    result = substitute(word, lookup, dollar_escape=False)
    start = url_start(result.text)
    if start is None:
        return None
    raw = result.text[start:]
    if result.value is not None:
        url = result.value[url_start(result.value) or 0:]
    else:
        url = "{unknown:" + raw.replace("{", "(").replace("}", ")") + " (a build argument not known statically)}"
    step = Step(path, line, f"RUN pip install {raw}")
    return ConfigEndpoint(url, path, line, SDK, None, (step,), context_free=True)
