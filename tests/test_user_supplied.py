"""Destinations the user chooses at run time (a web request, a chat message, an agent tool's
argument, the command line) are named so, with their kind in JSON and an auditor's answer in
the finding; other run-time origins (an env var set nowhere, a parameter nobody passes) are not."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.catalog import CatalogError, load_rule_file
from flowscan.report.json_report import render_json

HANDLERS = """\
    import argparse

    import chainlit as cl
    import click
    import httpx
    import requests
    from fastapi import Depends, FastAPI, Request
    from flask import Flask, request
    from langchain_core.tools import BaseTool, tool
    from llama_index.core.tools import FunctionTool
    from pydantic import BaseModel

    api = FastAPI()
    web = Flask(__name__)


    class FetchRequest(BaseModel):
        url: str


    def settings_url():
        return "https://settings.example.com"


    @api.post("/fetch")
    def fetch(req: FetchRequest, base: str = Depends(settings_url)):
        return requests.get(req.url)


    @api.get("/proxy/{target}")
    def proxy(target: str):
        return requests.get(target)


    @api.post("/raw")
    async def raw(body: Request):
        data = await body.json()
        return httpx.get(data["url"])


    @web.route("/go")
    def go():
        return requests.get(request.args.get("next"))


    @cl.on_message
    async def on_message(message: cl.Message):
        return httpx.get(message.content)


    @tool
    def fetch_page(url: str) -> str:
        \"\"\"Fetch a web page for the agent.\"\"\"
        return httpx.get(url).text


    class PageTool(BaseTool):
        name: str = "page"
        description: str = "Fetch a page"

        def _run(self, address: str) -> str:
            return httpx.get(address).text


    def read_feed(feed_url: str) -> str:
        return httpx.get(feed_url).text


    feed_tool = FunctionTool.from_defaults(fn=read_feed)


    @click.command()
    @click.option("--endpoint")
    def ping(endpoint):
        requests.head(endpoint)


    def main():
        parser = argparse.ArgumentParser()
        parser.add_argument("--mirror")
        args = parser.parse_args()
        requests.get(args.mirror)
"""

EXPECTED = {  # call line -> the row's origin
    27: "request parameter req of POST /fetch (req.url)",
    32: "request parameter target of GET /proxy/{target}",
    38: "request parameter body of POST /raw (body.json()['url'])",
    43: "the Flask request (request.args['next'])",
    48: "chat input message of @on_message on_message() (message.content)",
    54: "agent tool argument url of fetch_page()",
    62: "agent tool argument address of PageTool._run()",
    66: "agent tool argument feed_url of read_feed()",
    75: "CLI flag --endpoint",  # a flag: a setting the user gives at start-up (see test_cli_flags.py)
    82: "CLI flag --mirror",
}


@pytest.fixture(scope="module")
def handlers(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("handlers")
    (root / "app.py").write_text(dedent(HANDLERS))
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report


def test_every_framework_handler_names_its_user_input(handlers) -> None:
    rows = {loc.line: e for e in handlers.endpoints for loc in e.locations}
    assert sorted(rows) == sorted(EXPECTED)
    for line, origin in EXPECTED.items():
        assert rows[line].host is None
        assert rows[line].unresolved == [f"user-supplied: {origin}"], line


def test_json_says_user_supplied_and_the_finding_answers_the_auditor(handlers) -> None:
    data = json.loads(render_json(handlers))
    assert {e["origin"] for e in data["endpoints"]} == {"user-supplied"}
    unknown = [f for f in data["findings"] if f["rule"] == "residency/region-unknown"]
    assert len(unknown) == len(EXPECTED)
    for finding in unknown:
        origin = EXPECTED[finding["line"]]
        assert finding["message"].endswith(f"the destination is chosen by the user at run time ({origin})")


def test_a_dependency_parameter_is_not_request_data(handlers) -> None:
    # fetch()'s `base` comes from Depends(settings_url): nothing reads it, and no row names it
    assert not any("base" in label for e in handlers.endpoints for label in e.unresolved)


def test_other_run_time_origins_say_what_decides_them(tmp_path: Path) -> None:
    (tmp_path / "jobs.py").write_text(dedent("""\
        import os
        import requests


        def push(webhook_url):
            requests.post(webhook_url, json={})


        def export():
            requests.post(os.environ["EXPORT_URL"], json={})
    """))
    data = json.loads(render_json(scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report))
    origins = {e["locations"][0]["line"]: e["origin"] for e in data["endpoints"]}
    assert origins == {6: "parameter", 10: "env"}
    messages = {f["line"]: f["message"] for f in data["findings"]}
    assert "whatever is passed as parameter webhook_url of push(), and no caller in the tree passes it" in messages[6]
    assert "whatever EXPORT_URL is set to, and no scanned config sets it" in messages[10]
    assert not any("chosen by the user" in m for m in messages.values())


def test_a_handler_called_in_the_tree_keeps_what_its_callers_pass(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(dedent("""\
        import httpx
        from langchain_core.tools import tool


        @tool
        def search(url: str) -> str:
            \"\"\"Search.\"\"\"
            return httpx.get(url).text


        def warm_up():
            return search.func("https://search.example.com/health")


        def warm_up_directly():
            return search("https://status.example.com")
    """))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    hosts = {e.host for e in report.endpoints}
    assert "status.example.com" in hosts  # the in-tree caller's value
    assert None in hosts  # and what the agent passes
    assert any(e.unresolved == ["user-supplied: agent tool argument url of search()"] for e in report.endpoints)


def test_an_undecorated_function_is_no_handler(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(dedent("""\
        import functools
        import httpx


        @functools.lru_cache
        def fetch(url):
            return httpx.get(url)
    """))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    assert [e.unresolved for e in report.endpoints] == [["parameter url of fetch()"]]


def test_entry_point_rules_are_validated(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("entrypoints:\n  - id: x\n    kind: web-request\n    decorators: [fastapi.FastAPI.get]\n    source: somewhere documented\n")
    with pytest.raises(CatalogError, match="says"):
        load_rule_file(bad, "rules-entrypoints.schema.json")
    bad.write_text("entrypoints:\n  - id: x\n    kind: email\n    decorators: [a.b]\n    says: s\n    source: somewhere documented\n")
    with pytest.raises(CatalogError):
        load_rule_file(bad, "rules-entrypoints.schema.json")


def test_server_state_read_through_a_request_parameter_is_not_user_input(tmp_path: Path) -> None:
    """``request.app.state`` is what the server stored at startup; only what the client sent
    (``request.headers``, the body, the query) is user input."""
    (tmp_path / "app.py").write_text(dedent("""\
        import httpx
        from fastapi import FastAPI, Request

        app = FastAPI()


        @app.post("/chat")
        async def chat(request: Request):
            return httpx.post(request.app.state.config.OPENAI_API_BASE_URL + "/chat/completions")


        @app.get("/signout")
        async def signout(request: Request):
            return httpx.get(request.state.oauth_metadata_url)


        @app.get("/relay")
        async def relay(request: Request):
            return httpx.get(request.headers["x-forward-to"])
    """))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    rows = {loc.line: e.unresolved for e in report.endpoints for loc in e.locations}
    assert rows == {
        9: ["request.app: the server's state, not request data"],
        14: ["request.state: the server's state, not request data"],
        19: ["user-supplied: request parameter request of GET /relay (request.headers['x-forward-to'])"],
    }
