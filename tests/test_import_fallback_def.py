"""A name a module both imports and defines, as in ``try: from googleapiclient.discovery import
build`` / ``except ImportError: def build(*args, **kwargs): raise ImportError(...)``: the module
holds either, so a call of it may be the SDK's. Before, the local stub won and ragas's Google
Drive backend (www.googleapis.com) was not reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = '''\
    try:
        from googleapiclient.discovery import build
    except ImportError:
        def build(*args, **kwargs):
            raise ImportError("pip install google-api-python-client")


    def drive(creds):
        return build("drive", "v3", credentials=creds)
'''


def test_a_stub_defined_where_the_import_fails_keeps_the_sdk(tmp_path: Path) -> None:
    (tmp_path / "backend.py").write_text(textwrap.dedent(APP))
    found = {(e.host, loc.line) for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
             for loc in e.locations}
    assert ("www.googleapis.com", 9) in found, found


STUBS = '''\
    try:
        from google.oauth2.credentials import Credentials as UserCredentials
    except ImportError:
        UserCredentials = type("UserCredentials", (), {})


    def load(token_path, scopes):
        return UserCredentials.from_authorized_user_file(token_path, scopes)
'''


def test_a_stub_class_assigned_where_the_import_fails_keeps_the_sdk(tmp_path: Path) -> None:
    (tmp_path / "auth.py").write_text(textwrap.dedent(STUBS))
    found = {(e.host, loc.line) for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
             for loc in e.locations}
    assert ("oauth2.googleapis.com", 8) in found, found
