"""A branch under ``a or b`` runs when one part holds: with the shipped configuration each part
fails, so the call is opt-in and its switch names the settings, joined as the code joins
them; one part that holds (or one decided only at run time) keeps it default."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

APP = '''\
    import os

    import litellm

    MODEL = os.getenv("APP_MODEL", "gpt-4o-mini")


    def ask(prompt, user_choice):
        base_url = None
        if "ft-" in MODEL or MODEL.startswith("acme/"):
            base_url = "https://ft.acme-llm.example.com/v1"
        if os.getenv("USE_GATEWAY") or MODEL == "gpt-4o-mini":
            litellm.completion(model=MODEL, base_url="https://gateway.example.com/v1", messages=[])
        if os.getenv("USE_EU") or user_choice == "eu":
            litellm.completion(model=MODEL, base_url="https://eu.example.com/v1", messages=[])
        return litellm.completion(model=MODEL, base_url=base_url, messages=[{"role": "user", "content": prompt}])
'''


def _scan(root: Path) -> dict[str | None, Endpoint]:
    root.mkdir()
    (root / "app.py").write_text(textwrap.dedent(APP))
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_a_disjunction_every_part_of_which_fails_is_opt_in(tmp_path: Path) -> None:
    tuned = _scan(tmp_path / "app")["ft.acme-llm.example.com"]
    assert tuned.reach == "opt-in"
    (switch,) = tuned.switches
    assert (switch.setting, switch.taken) == ("env:APP_MODEL", False)
    assert switch.condition == ("'ft-' in env:APP_MODEL (at app.py:10) or "
                                "env:APP_MODEL startswith 'acme/' (at app.py:10)")


def test_a_disjunction_with_a_part_that_holds_or_is_run_time_stays_default(tmp_path: Path) -> None:
    found = _scan(tmp_path / "app")
    assert found["gateway.example.com"].reach == "default"  # MODEL == "gpt-4o-mini" holds
    assert found["eu.example.com"].reach == "default"  # user_choice is decided at run time
    assert found["api.openai.com"].reach == "default"
