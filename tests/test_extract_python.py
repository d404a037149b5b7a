"""The Python extractor: facts and line numbers.

Line numbers come from ``ast`` (fast) paired with libcst's statements; they must equal
libcst's own PositionProvider lines on tricky layouts.
"""

from __future__ import annotations

import textwrap

from flowscan.extract import python as px

TRICKY = textwrap.dedent('''
    import requests
    class P(Protocol): ...
    def f(x) -> None: ...
    if x: requests.get("https://a.example.com")
    for u in ["https://b.example.com"]: requests.post(u)
    cast("T", self).type = (
        resolve(check_value)
    )
    value = outer(
        inner(1),
        key=requests.get(
            "https://c.example.com",
        ),
    )
    with open(a) as fa, open(b) as fb:
        pass
    x = [g(i) for i in h()] if k() else {m(): n()}
    @decorator(arg())
    def decorated():
        try: return z()
        except E: return w()
    while cond(): step()
    async def main():
        async with client() as c:
            await c.get(url())
''')


def _lines(data: bytes, use_ast: bool) -> list[tuple[int, str]]:
    original = px._AstLines.build
    if not use_ast:
        px._AstLines.build = staticmethod(lambda d: None)
    try:
        facts = px.extract_python("t.py", data)
    finally:
        px._AstLines.build = original
    return [(c.line, c.text) for c in facts.calls]


def test_ast_lines_equal_libcst_positions() -> None:
    data = TRICKY.encode()
    fast, reference = _lines(data, True), _lines(data, False)
    assert len(fast) >= 20
    assert fast == reference


def test_one_line_suites_are_analysed() -> None:
    facts = px.extract_python("t.py", TRICKY.encode())
    texts = {c.line for c in facts.calls if "requests" in c.text}
    assert {5, 6} <= texts
    assert "P" in facts.scope.children and "f" in facts.scope.children


def test_parse_error_reports_the_python_line() -> None:
    facts = px.extract_python("bad.py", b"import os\n\ndef broken(:\n    pass\n")
    assert facts.parse_error is not None and facts.parse_error[0] == 3


def test_python2_and_bad_encoding_are_parse_errors_not_crashes() -> None:
    assert px.extract_python("py2.py", b'print "hello"\n').parse_error is not None
    assert px.extract_python("enc.py", b"# -*- coding: nope -*-\nx = 1\n").parse_error is not None
