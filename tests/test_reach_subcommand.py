"""Opt-in by a command-line subcommand: a click group's command (or a subgroup's), or a command
of a typer app that needs its name (a callback, or several commands), runs only when the user
names it; a standalone click command and a typer app's only command run by default."""

from __future__ import annotations

from pathlib import Path

from .test_reach_factories import _reach as _reach_of


def _reach(tmp_path: Path, files: dict[str, str]) -> dict[str | None, tuple[str, list[str]]]:
    return _reach_of(tmp_path, {"tool/__init__.py": "", **files})


_PUBLISH = '''\
    import requests


    def publish(name):
        requests.post("https://api.render.com/v1/services", json={"name": name}, timeout=30)
'''


def test_a_click_group_command_and_what_it_calls_are_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"tool/publish.py": _PUBLISH, "tool/cli.py": '''\
        import click
        import requests

        from .publish import publish

        cli = click.Group("tool")


        @cli.command(name="ship")
        @click.argument("name")
        def ship_it(name):
            publish(name)


        @cli.command()
        def check_updates_cmd():
            requests.get("https://pypi.org/pypi/tool/json", timeout=10)
    '''})
    assert found["api.render.com"] == ("opt-in", ["CLI subcommand ship"])
    assert found["pypi.org"] == ("opt-in", ["CLI subcommand check-updates"])


def test_a_standalone_click_command_is_default(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"tool/publish.py": _PUBLISH, "tool/cli.py": '''\
        import click

        from .publish import publish


        @click.command()
        @click.argument("name")
        def main(name):
            publish(name)
    '''})
    assert found["api.render.com"] == ("default", [])


def test_a_typer_app_needs_the_name_with_a_callback_not_with_one_command(tmp_path: Path) -> None:
    one = '''\
        import typer

        from .publish import publish

        app = typer.Typer()
        {callback}

        @app.command()
        def ship(name: str):
            publish(name)
    '''
    alone = _reach(tmp_path / "alone", {"tool/publish.py": _PUBLISH, "tool/cli.py": one.format(callback="")})
    assert alone["api.render.com"] == ("default", [])
    with_callback = one.format(callback="\n        @app.callback()\n        def main(verbose: bool = False):\n            pass\n")
    named = _reach(tmp_path / "named", {"tool/publish.py": _PUBLISH, "tool/cli.py": with_callback})
    assert named["api.render.com"] == ("opt-in", ["CLI subcommand ship"])


def test_a_class_made_only_in_a_subcommand_is_opt_in_whoever_calls_its_methods(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"tool/engines.py": '''\
        import requests


        class WebSearch:
            def search(self, query):
                return requests.get("https://api.search.brave.com/res/v1/web/search", params={"q": query}, timeout=10)
    ''', "tool/runner.py": '''\
        def run(engine, queries):
            return [engine.search(query) for query in queries]
    ''', "tool/cli.py": '''\
        import click

        from .engines import WebSearch
        from .runner import run


        @click.group()
        def cli():
            """Batch research."""


        @cli.command()
        @click.argument("queries", nargs=-1)
        def research(queries):
            run(WebSearch(), queries)
    '''})
    assert found["api.search.brave.com"] == ("opt-in", ["CLI subcommand research"])
