"""The Python extractor: facts and line numbers.

Facts come from ``ast``; they must equal the libcst reference extractor's field for field
(``bench/check_extractors.py`` checks whole corpora), and call lines must equal libcst's own
PositionProvider lines on tricky layouts.
"""

from __future__ import annotations

import textwrap

from bench.check_extractors import as_tree, first_difference
from flowscan.python import extract as px
from flowscan.python import extract_cst
from flowscan.python.facts import Cond, Opaque

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


def _lines(data: bytes, extractor: str) -> list[tuple[int, str]]:
    if extractor == "ast":
        facts = px.extract_python("t.py", data)
    else:
        original = extract_cst._AstLines.build
        if extractor == "libcst-positions":
            extract_cst._AstLines.build = staticmethod(lambda d: None)
        try:
            facts = extract_cst.extract_python_cst("t.py", data)
        finally:
            extract_cst._AstLines.build = original
    return [(c.line, c.text) for c in facts.calls]


def test_ast_lines_equal_libcst_positions() -> None:
    data = TRICKY.encode()
    fast = _lines(data, "ast")
    assert len(fast) >= 20
    assert fast == _lines(data, "libcst-positions")
    assert fast == _lines(data, "libcst-ast-lines")


EVERY_CONSTRUCT = textwrap.dedent('''
    # -*- coding: utf-8 -*-
    """Module docstring ü."""
    import os, requests as rq
    import a.b.c
    import a.b.d as abd
    from . import sibling
    from ..pkg import (x as y, z)
    from .mod import *
    from typing import Annotated
    BASE = "https://" "api.example.com" f"/v{VERSION}" "/x"
    PORT = 0x1F90
    BIG = 1_000
    RATIO = 1.5e3
    J = 2j
    BLOB = b"\\x00abc" b"def"
    ESC = f"line\\n{HOST!r:>10}{{literal}}"
    RAW = rf"\\d+{X}"
    NOTHING = f""
    DEBUG = f"{HOST=} { PORT = !r}"
    URL = BASE + "/path" + PATH
    TEMPLATE = "%s://%s" % (SCHEME, HOST)
    CHOICE = os.getenv("A") or os.environ.get("B", "d") or "c"
    BOTH = a and b and c
    MIXED = a or b and c
    TERN = "x" if flag else "y"
    SEQ = [1, *rest, "two"]
    TUP = (1,)
    D = {"k": v, **more, f(): g()}
    SUB = os.environ["KEY"]
    SL = items[1:2]
    MULTI = grid[1, 2]
    PAREN = grid[(1, 2)]
    ONE = grid[i,]
    NEG = -1
    CMP = a < b
    LAM = lambda q=h(): q
    COMP = [u(x) for x in w() if p(x)]
    GEN = (i for i in range(3))
    SETC = {i for i in s}
    DCOMP = {k: v for k, v in d.items()}
    SETL = {1, 2}
    ELL = ...
    a, *b, (c, d) = 1, 2, (3, 4)
    x = y = make()
    total: int = 0
    total += 1
    total += more()
    label = "a"
    label += f"-{suffix}"
    obj.attr = "https://set.example.com"
    obj.items[0] = value
    del obj.attr
    assert check(), "msg"
    raise Error(call())
    global G

    @decorator(arg(), key=val())
    @plain
    async def fetch(a, b="d", /, c=C(), *args, d, e=E, **kw) -> Ret:
        global G
        G = a
        async with session() as s, other():
            resp = await s.get(url(a), **kw)
        async for item in stream():
            yield item
        for u in ["https://a.example.com", "https://b.example.com"]:
            requests.post(u, json={"q": (n := compute())})
        for name, (i, url) in enumerate(ENDPOINTS.items()):
            pass
        for [first, second] in PAIRS:
            pass
        for *head, tail in rows(): pass
        for obj.cursor in cursors:
            pass
        while (line := read()):
            consume(line)
        else:
            finish()
        try:
            return s.post(f"{BASE}/{a}")
        except* ValueError:
            pass
        try:
            pass
        except Exception as exc:
            log(exc)
        else:
            ok()
        finally:
            close()
        match command():
            case {"url": u}:
                go(u)
            case _:
                pass
        def inner():
            nonlocal a
            return a
        return inner

    class Client(Base, *mixins, metaclass=Meta):
        """Doc."""
        url: str = "https://c.example.com"
        region: str
        timeout = 30; retries = 3
        class Config:
            env_prefix = "APP_"
        def __init__(self, key: str = os.getenv("KEY", "k")) -> None:
            self.key = key
            self.base: str = "https://d.example.com"
            self.session, self.other = make_pair()
            cls.shared = 1
        @property
        def host(self): return self.base.removeprefix("https://")
        def guarded(self, key):
            if not key:
                return None
            if key == "x": raise ValueError(key)
            while poll():
                if done(): break
                step(key)
            return self.session.post(key)
        def call(self, path):
            if path.startswith("/"): return self.session.get(self.base + path)
            elif path: pass
            else:
                return None

    if __name__ == "__main__":
        Client().call("/x")

    aws_on = os.getenv("AWS_KEY") is not None and AWS_SECRET is not None
    billing_on = (os.getenv("STRIPE_KEY") is not None
                  and not skip(
                      os.getenv("STRIPE_SECRET")) and count(x) > 1)
    mixed = a and b or not (c == "1" or d in ("x", "y")) and e is None
    chained = 1 < n < 10 and not flag
    def is_on(item): return not (item == None or (hasattr(item, "__iter__") and len(item) == 0)) and item != ""
    def is_set(): return bool(KEY)
''')


def test_ast_facts_equal_libcst_reference() -> None:
    data = EVERY_CONSTRUCT.encode()
    fast = px.extract_python("pkg/sub/mod.py", data)
    reference = extract_cst.extract_python_cst("pkg/sub/mod.py", data)
    assert fast.parse_error is None and reference.parse_error is None
    assert len(fast.calls) >= 30 and len(fast.scope.assigns) >= 40
    assert first_difference(as_tree(fast), as_tree(reference), "facts") is None


def test_boolean_expressions_keep_their_tests() -> None:
    """``a is not None and not b``: the tests of a bool the IR keeps as a value it does not
    model (negations pushed into the tests, nested ``and``/``or`` flattened)."""
    data = EVERY_CONSTRUCT.encode()
    fast = px.extract_python("pkg/sub/mod.py", data)
    aws = fast.scope.assigns["aws_on"][0].value
    assert isinstance(aws, Opaque) and aws.cond is not None and not aws.cond.any_of
    assert [(t.op, t.negated) for t in aws.cond.parts] == [("is not", False), ("is not", False)]
    billing = fast.scope.assigns["billing_on"][0].value
    assert [(t.op, t.negated) for t in billing.cond.parts] == [("is not", False), ("truthy", True), (">", False)]
    (returned,) = fast.scope.children["is_on"].returns
    assert [type(p).__name__ for p in returned.cond.parts] == ["Test", "Cond", "Test"]
    assert [p.negated for p in returned.cond.parts if not isinstance(p, Cond)] == [True, False]
    assert fast.scope.assigns["chained"][0].value.cond.parts[0].subject.why == "Comparison"  # ``1 < n < 10``: no test


def test_string_literals_canonical() -> None:
    facts = px.extract_python("m.py", EVERY_CONSTRUCT.encode())
    assigns = facts.scope.assigns
    assert assigns["BLOB"][0].value.text == "\x00abcdef"
    assert [type(p).__name__ for p in assigns["BASE"][0].value.parts] == ["Lit", "Name", "Lit"]
    assert assigns["BASE"][0].value.parts[0].text == "https://api.example.com/v"
    assert assigns["ESC"][0].value.parts[0].text == "line\n"
    assert assigns["NOTHING"][0].value.text == ""
    assert assigns["PORT"][0].value.text == "0x1F90" and assigns["BIG"][0].value.text == "1_000"


def test_deep_nesting_skips_its_statement_only() -> None:
    facts = px.extract_python("deep.py", b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\nrequests.get('https://a.example')\n")
    assert facts.parse_error is None
    assert [(line, "nested" in why and "lines 1-1" in why) for line, why in facts.skipped] == [(1, True)]
    assert [c.line for c in facts.calls] == [2]


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


def test_facts_survive_a_pickle_round_trip() -> None:
    """Facts cross process pools and the cache as pickles (``pyfacts._pickle_by_fields``)."""
    import pickle

    from flowscan.python.facts import structure

    facts = px.extract_python("pkg/mod.py", EVERY_CONSTRUCT.encode())
    assert structure(pickle.loads(pickle.dumps(facts))) == structure(facts)
