"""``x = __import__("pkg")`` then ``x.Client(...)``: an optional dependency imported by its
literal name is the module it names, so its clients are sinks like imported ones, even in a
file that imports no sink module otherwise."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan

CONNECTORS = '''\
class ImproperlyConfigured(Exception):
    pass


def connect_to_snowflake(user, password, account="acme-analytics"):
    try:
        snowflake = __import__("snowflake.connector")
    except ImportError:
        raise ImproperlyConfigured("pip install snowflake-connector-python")
    return snowflake.connector.connect(user=user, password=password, account=account)


def local_llm(model):
    ollama = __import__("ollama")
    client = ollama.Client("http://ollama.ml.internal:11434")
    return client.chat(model=model, messages=[])


def plugin(name):
    module = __import__(name)
    return module.Client()
'''


def test_a_module_imported_by_its_literal_name_holds_its_sinks(tmp_path: Path) -> None:
    (tmp_path / "connectors.py").write_text(CONNECTORS)
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    by_host = {e.host: e for e in endpoints}
    assert sorted(by_host) == ["acme-analytics.snowflakecomputing.com", "ollama.ml.internal"]
    assert by_host["acme-analytics.snowflakecomputing.com"].provider == "snowflake"
    assert [loc.line for loc in by_host["acme-analytics.snowflakecomputing.com"].locations] == [10]
    assert [loc.line for loc in by_host["ollama.ml.internal"].locations] == [15]
