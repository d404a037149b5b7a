#!/usr/bin/env bash
# Mutation testing of flowscan's core modules with mutmut 3 (see tests/MUTATION.md).
# Not part of the default test run. Needs mutmut in the active venv: pip install 'mutmut>=3.8,<4'.
#
#   tests/mutation.sh                   # every core module, one module at a time
#   tests/mutation.sh policy redact     # only these modules (names as in MODULES below)
#
# One core only (taskset + --max-children 1): benchmarks share the machine.
# Results stay in mutants/ (git-ignored); `mutmut results` / `mutmut show NAME` read them.
set -euo pipefail
cd "$(dirname "$0")/.."
MODULES=(policy redact roles report.json_report report.sarif report.console endpoints contexts
         checks api python.program python.flows python.sinks python.objects python.resolve_data python.resolve)
(( $# )) && MODULES=("$@")
CPU="${MUTATION_CPU:-0}"
for module in "${MODULES[@]}"; do
    echo "== flowscan.$module"
    taskset -c "$CPU" mutmut run --max-children 1 "flowscan.$module.*"
done
python tests/mutation_summary.py
