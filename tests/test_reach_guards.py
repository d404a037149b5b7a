"""Default or opt-in beyond the branch a call is in: a guard clause (``if not key: return``)
puts the rest of its block under the guard; a class that keeps a secret only an unset env var
gives makes its methods' calls opt-in."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan


def _reach(tmp_path: Path, source: str, **env: str) -> dict[str | None, tuple[str, list[str]]]:
    (tmp_path / "app.py").write_text(textwrap.dedent(source))
    return {e.host: (e.reach, sorted({s.setting for s in e.switches}))
            for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints}


def test_a_guard_clause_puts_the_rest_of_its_block_under_its_test(tmp_path: Path) -> None:
    found = _reach(tmp_path, '''\
        import os
        import requests


        def search(query):
            key = os.environ.get("SEARCH_API_KEY")
            if not key:
                return []
            return requests.post("https://search.example.com/v1", json={"q": query, "key": key})


        def mirror(event):
            if event is None:
                raise ValueError("no event")
            requests.post("https://mirror.example.com/in", json=event)
    ''')
    assert found["search.example.com"] == ("opt-in", ["env:SEARCH_API_KEY"])
    assert found["mirror.example.com"] == ("default", [])  # a run-time guard is no setting


def test_a_guard_inside_a_loop_stays_in_the_loop(tmp_path: Path) -> None:
    found = _reach(tmp_path, '''\
        import os
        import requests


        def push(items):
            for item in items:
                if not os.environ.get("PUSH_ENABLED"):
                    continue
                requests.post("https://push.example.com/in", json=item)
            requests.post("https://audit.example.com/in", json=items)
    ''')
    assert found["push.example.com"] == ("opt-in", ["env:PUSH_ENABLED"])
    assert found["audit.example.com"] == ("default", [])


def test_a_class_keeping_an_unset_secret_makes_its_calls_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, '''\
        import os
        import httpx


        class GitLabLogin:
            def __init__(self):
                self.client_id = os.environ.get("GITLAB_CLIENT_ID")
                self.client_secret = os.environ.get("GITLAB_CLIENT_SECRET")

            def token(self, code):
                return httpx.post("https://gitlab.com/oauth/token", data={"secret": self.client_secret, "code": code})

            def user(self, token):
                return httpx.get("https://gitlab.com/api/v4/user", headers={"Authorization": token})


        class Pinger:
            def __init__(self, api_key=None):
                self.api_key = api_key or os.environ.get("PING_API_KEY", "public")

            def ping(self):
                return httpx.get("https://ping.example.com", headers={"x-api-key": self.api_key})


        class Router:
            def __init__(self):
                self.google_client_secret = os.environ.get("GOOGLE_CLIENT_SECRET")
                self.github_client_secret = os.environ.get("GITHUB_CLIENT_SECRET")

            def routes(self):
                def google_callback(code):
                    return httpx.post("https://oauth2.googleapis.com/token", data={"s": self.google_client_secret})
                return google_callback


        def serve():
            return GitLabLogin(), Pinger(), Router()
    ''')
    assert found["gitlab.com"] == ("opt-in", ["env:GITLAB_CLIENT_SECRET"])
    assert found["ping.example.com"] == ("default", [])  # the secret has a default: no switch
    # the nested handler reads one of the router's secrets: only that one is its switch
    assert found["oauth2.googleapis.com"] == ("opt-in", ["env:GOOGLE_CLIENT_SECRET"])


def test_a_secret_the_environment_sets_keeps_the_default(tmp_path: Path) -> None:
    found = _reach(tmp_path, '''\
        import os
        import httpx


        class GitLabLogin:
            def __init__(self):
                self.client_secret = os.environ.get("GITLAB_CLIENT_SECRET")

            def token(self, code):
                return httpx.post("https://gitlab.com/oauth/token", data={"secret": self.client_secret})


        LOGIN = GitLabLogin()
    ''', GITLAB_CLIENT_SECRET="from-the-deployment")
    assert found["gitlab.com"] == ("default", [])


def test_a_module_imported_only_under_a_setting_is_opt_in(tmp_path: Path) -> None:
    (tmp_path / "bots").mkdir()
    (tmp_path / "bots" / "__init__.py").write_text("")
    (tmp_path / "bots" / "slack.py").write_text(textwrap.dedent('''\
        import os
        import httpx

        client = httpx.Client(base_url="https://slack.com/api")


        def post(text):
            return httpx.post("https://slack.com/api/chat.postMessage", json={"text": text})
    '''))
    (tmp_path / "bots" / "always.py").write_text(textwrap.dedent('''\
        import httpx


        def ping():
            return httpx.get("https://status.example.com")
    '''))
    found = _reach(tmp_path, '''\
        import os

        from bots import always

        if os.environ.get("SLACK_BOT_TOKEN"):
            from bots.slack import post


        def serve():
            if os.environ.get("SLACK_BOT_TOKEN"):
                import bots.slack
    ''')
    assert found["slack.com"] == ("opt-in", ["env:SLACK_BOT_TOKEN"])
    assert found["status.example.com"] == ("default", [])


def test_one_unconditional_import_keeps_the_module_default(tmp_path: Path) -> None:
    (tmp_path / "hooks.py").write_text('import httpx\n\n\ndef send():\n    return httpx.post("https://hooks.example.com/in")\n')
    (tmp_path / "cli.py").write_text("import hooks\n")
    found = _reach(tmp_path, '''\
        import os

        if os.environ.get("HOOKS_ON"):
            import hooks
    ''')
    assert found["hooks.example.com"] == ("default", [])
