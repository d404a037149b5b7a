"""What runs after ``if A: return`` / ``elif B: return`` runs under not A and not B; after
``if A: return`` / ``elif B: ...`` (an elif that does not leave), under not A. ``else: if`` is the
same chain. Both extractors record it alike (they used to part: libcst kept the last elif's
test alone, ``ast`` none)."""

from __future__ import annotations

import textwrap

from bench.check_extractors import first_difference
from flowscan.python.extract import extract_python
from flowscan.python.extract_cst import extract_python_cst
from flowscan.python.facts import Name, structure

CODE = textwrap.dedent('''\
    import requests


    def both_return(kind):
        if kind == "a":
            return None
        elif kind == "b":
            return None
        return requests.get(first(kind))


    def else_if(kind):
        if kind == "a":
            return None
        else:
            if kind == "b":
                return None
        return requests.get(second(kind))


    def elif_stays(kind):
        if kind == "a":
            return None
        elif kind == "b":
            log(kind)
        return requests.get(third(kind))


    def first_stays(kind):
        if kind == "a":
            log(kind)
        elif kind == "b":
            return None
        return requests.get(fourth(kind))
''')


def _negated_values(kind_tests) -> list[str]:
    return [test.value.text for test in kind_tests if test.negated and test.op == "=="]


def test_the_rest_of_a_returning_chain_runs_under_every_negated_test() -> None:
    fast = extract_python("app.py", CODE.encode())
    reference = extract_python_cst("app.py", CODE.encode())
    assert first_difference(structure(fast), structure(reference), "facts") is None
    tests = {site.func.id: site.tests for site in fast.calls if isinstance(site.func, Name)}
    assert _negated_values(tests["first"]) == ["a", "b"]
    assert _negated_values(tests["second"]) == ["a", "b"]
    assert _negated_values(tests["third"]) == ["a"]  # the elif's body does not return
    assert tests["fourth"] == ()  # "a" does not return: the rest may run after either branch
