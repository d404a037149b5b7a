"""ISO 3166-1 alpha-2 country codes and names: ``rules/tables/iso-3166-1.yaml``, generated
from pycountry's data by ``scripts/gen_iso_countries.py`` (the file records the version)."""

from __future__ import annotations

from functools import lru_cache

COUNTRY_TABLE = "tables/iso-3166-1.yaml"


@lru_cache(maxsize=1)
def iso_countries() -> dict[str, str]:
    """Code -> English short name, e.g. ``DE`` -> ``Germany``."""
    from .catalog import default_rules_dir
    from .rulefiles import load_rule_file

    return dict(load_rule_file(default_rules_dir() / COUNTRY_TABLE, "rules-tables.schema.json")["tables"]["countries"])
