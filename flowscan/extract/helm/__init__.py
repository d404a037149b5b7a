"""Helm charts → one deployment context per values file, bound through the templates' env entries.

Templates are never executed. Their lines are read with a small evaluator that only knows
literals, ``.Values``/``.Chart`` lookups, ``$`` and variables, and a few pure functions
(``default``, ``quote``, ``squote``, ``toString``, ``trim``, ``lower``, ``upper``, ``required``,
``printf`` with ``%s``/``%v``, ``not``/``and``/``or``/``eq``/``ne``/``empty``, ``hasKey``,
``ternary``, ``hasPrefix``/``hasSuffix``, ``kindIs``, ``int``, ``gt``/``ge``/``lt``/``le``,
``toYaml``/``indent``/``nindent``, and ``include`` of the chart's named templates).
``if``/``else if``/``else``/``with``/``range`` blocks over values are followed; a condition that
cannot be evaluated has both branches read, each line under it carrying the condition as
undecided. Anything else (``tpl``, ``.Release``, ``lookup``…) leaves the value unknown: a
binding with value None and detail ``helm template expression not evaluated``, never a guess.
Each YAML document a template reaches (a ``range`` body ending in ``---`` makes one per item)
is its own source; each container command word records the values line that decided it.

``values.yaml`` is the context ``helm:<chart>/values.yaml``; every other ``values-*.yaml`` /
``values.*.yaml`` at the chart root is layered over it (maps merge, lists and scalars replace,
``null`` deletes) and is the context ``helm:<chart>/values-prod.yaml``. A binding's path and
line are where its value was written (the values file line, or the template line for a
literal or a template default); its chain holds the template line.

Modules: ``charts`` (chart layout, ``Chart.yaml``), ``values`` (values files and layering),
``template`` (expressions and functions), ``defines`` (named templates), ``control``
(``if``/``with``/``range``, ``include`` lines),
``workloads`` (env sources from workload templates), ``extract`` (the entry point).
"""

from .charts import find_charts
from .extract import extract_helm
from .workloads import NOT_EVALUATED

__all__ = ["NOT_EVALUATED", "extract_helm", "find_charts"]
