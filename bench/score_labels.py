"""Recall and precision of flowscan against hand labels (``bench/labels/*.yaml``).

    python bench/score_labels.py bench/labels/chainlit.yaml [--tree DIR]

Scans the labelled app's unpacked tree (``unpacked_tree`` in the label file, or ``--tree``)
with every code role included, then matches the report's endpoint hosts to the labelled
destinations (``host``, ``host_aliases``; ``{…}`` in a label is a wildcard). Labels whose host
is ``env:NAME`` or ``user-supplied`` match an endpoint whose host is unknown at the same file;
an ``env:NAME`` label also matches an unknown-host endpoint that names that same env var
(``env:NAME`` among its unresolved parts: "the tool must report the same ... env var",
labels/README.md), or an endpoint whose host is the code's or the SDK's default for that env var
(a chain step ``default of env NAME`` or ``SDK reads env NAME``: the report names the env var that
moves the host), or that names the env var among those an SDK with no default host reads.

- recall: labelled destinations with a matching endpoint / labelled destinations, also per
  ``reach`` (default, opt-in);
- precision: distinct reported hosts that match a label / distinct reported hosts (known
  hosts only; unknown-host endpoints are counted apart); again over the hosts reported at a
  production-code location (the labels leave tests, examples and docs out);
- reach: for each found label with a host, whether the reported ``reach`` of its hosts
  (``default`` when any of them is) equals the label's;
- placed: for each found label with a host, whether the reported place of its hosts agrees with
  the label's ``region`` (see ``_placement``), with the counts of each way it can differ.

``--save-report FILE`` keeps the scan's JSON report (``bench/unplaced_hosts.py`` reads it).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml


# chain steps saying the host is an env var's value or default: the code's (``default of env NAME``), an
# SDK's (``SDK reads env NAME``, ``SDK default (NAME, OTHER not set in any scanned config)``)
ENV_DEFAULT_STEP = re.compile(r"(?:^default of env|\breads env) (\w+(?: / \w+)*)|\bdefault \(([\w, ]+) not set in any scanned config\)")


def _env_named(endpoints: list[dict]) -> set[str]:
    """``env:NAME`` for each env var the report names as deciding a host: an unresolved part of an
    unknown-host endpoint, or a chain step saying the host is that env var's value or default
    (``SDK reads env A / B``: each of them)."""
    unresolved = {part for e in endpoints if not e.get("host") for part in e.get("unresolved", []) if part.startswith("env:")}
    return unresolved | {f"env:{name}" for e in endpoints for chain in e.get("chains", [])
                         for step in chain for match in ENV_DEFAULT_STEP.finditer(step.get("detail", ""))
                         for name in re.split(r", | / ", match[1] or match[2])}


def _pattern(host: str) -> re.Pattern[str]:
    """A label's host (``{region}`` parts match any text) as flowscan reports hosts: without a
    URL's scheme and path, and without a port (``localhost:11434`` is host ``localhost``)."""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host.lower()).split("/", 1)[0]
    if re.fullmatch(r"[^:{}\[\]]+:\d+", host):
        host = host.rsplit(":", 1)[0]
    return re.compile("^" + re.sub(r"\\\{[^}]*\\\}", r"[^/]+", re.escape(host)) + "$")


def _label_region(region: object) -> str | None:
    """The label's region, lower-case; None when the label says it is unknown or set at run time.

    Labels write ``unknown``, a region or country (``us-west-2``, ``US``, ``internal``), and a few
    prose forms: ``env:NAME`` / ``env (...)`` (set at run time: unknown statically) and
    ``REGION unless ENV is set`` (the shipped default, REGION).
    """
    text = str(region or "unknown").strip().lower()
    if text == "unknown" or text.startswith("env"):
        return None
    return text.split()[0]


def _placement(label_region: str | None, placed: list[tuple[str, ...]]) -> str:
    """How the reported places of a label's hosts compare with its region.

    ``placed`` holds, per matched endpoint with a known region, its lower-case region, country
    and jurisdiction. A known label region agrees when any endpoint names it as its region,
    country or jurisdiction (a label ``US`` agrees with ``us-east-1``/``US``); an unknown one
    agrees when no endpoint reports a region.
    """
    if label_region is None:
        return "agree-unknown" if not placed else "reported-label-unknown"
    if any(label_region in names for names in placed):
        return "agree"
    return "disagree" if placed else "unknown-label-known"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--tree", type=Path)
    parser.add_argument("--save-report", type=Path, help="write the scan's JSON report here")
    args = parser.parse_args()
    spec = yaml.safe_load(args.labels.read_text())
    tree = args.tree or Path(spec["unpacked_tree"])
    proc = subprocess.run([sys.executable, "-m", "flowscan.cli", "scan", str(tree), "--format", "json",
                           "--fail-on", "never", "--no-cache", "--all-code"], capture_output=True, text=True, check=True)
    report = json.loads(proc.stdout)
    if args.save_report:
        args.save_report.write_text(proc.stdout)
    endpoints = report["endpoints"]
    hosts = sorted({e["host"] for e in endpoints if e.get("host")})
    unknown_files = {loc["path"] for e in endpoints if not e.get("host") for loc in e.get("locations", [])}
    env_named = _env_named(endpoints)
    labels = spec["destinations"]
    matched_hosts: set[str] = set()
    found: dict[str, bool] = {}
    reach_of: dict[str, str] = {}  # label id -> the reach reported for its matched hosts
    place_of: dict[str, str] = {}  # label id -> _placement of its matched hosts
    for label in labels:
        host = str(label["host"])
        names = [host, *label.get("host_aliases", [])]
        if host.startswith(("env:", "user-supplied")):
            evidence = " ".join(str(e) for e in (label.get("evidence") if isinstance(label.get("evidence"), list) else [label.get("evidence", "")]))
            found[label["id"]] = any(path in evidence for path in unknown_files) or any(
                str(name) in env_named for name in names if str(name).startswith("env:"))
            continue
        hits = {h for h in hosts for n in names if _pattern(str(n)).match(h)}
        matched_hosts |= hits
        found[label["id"]] = bool(hits)
        if hits:
            reported = {e.get("reach", "default") for e in endpoints if e.get("host") in hits}
            reach_of[label["id"]] = "default" if "default" in reported else ("unknown" if "unknown" in reported else "opt-in")
            placed = [tuple(str(e.get(key) or "").lower() for key in ("region", "country", "jurisdiction"))
                      for e in endpoints if e.get("host") in hits and e.get("region")]
            place_of[label["id"]] = _placement(_label_region(label.get("region")), placed)
    print(f"{spec['app']} {spec['version']}: {len(endpoints)} endpoints, {len(hosts)} distinct known hosts, "
          f"{sum(1 for e in endpoints if not e.get('host'))} with an unknown host")
    by_host = {label["id"] for label in labels if not str(label["host"]).startswith(("env:", "user-supplied"))}
    for reach in ("default", "opt-in", None):
        group = [label for label in labels if reach is None or label.get("reach") == reach]
        if group:
            hit = sum(found[label["id"]] for label in group)
            named = [label for label in group if label["id"] in by_host]
            named_hit = sum(found[label["id"]] for label in named)
            print(f"  recall {reach or 'all':8} {hit}/{len(group)} = {hit / len(group):.0%}"
                  f"  (labels with a host: {named_hit}/{len(named)}; env/user-supplied labels matched by an "
                  f"unknown-host endpoint in the evidence file or naming the env var: {hit - named_hit}/{len(group) - len(named)})")
    if hosts:
        print(f"  precision (known hosts) {len(matched_hosts)}/{len(hosts)} = {len(matched_hosts) / len(hosts):.0%}")
        # the labels leave tests, examples and docs out: a host reported only there is not the app's
        shipped = sorted({e["host"] for e in endpoints if e.get("host")
                          and any(loc.get("role", "production") == "production" for loc in e.get("locations", []))})
        if shipped:
            good = [h for h in shipped if h in matched_hosts]
            print(f"  precision (known hosts in production code) {len(good)}/{len(shipped)} = {len(good) / len(shipped):.0%}")
    if reach_of:
        agree = [i for i, reach in reach_of.items() if reach == next(lb.get("reach") for lb in labels if lb["id"] == i)]
        print(f"  reach agrees with the label (found labels with a host) {len(agree)}/{len(reach_of)}: differs for "
              + (", ".join(f"{lb['host']} (label {lb.get('reach')}, reported {reach_of[lb['id']]})"
                           for lb in labels if lb["id"] in reach_of and lb["id"] not in agree) or "none"))
    if place_of:
        def ways(way: str) -> list[str]:
            return [f"{lb['host']} (label {lb.get('region')})" for lb in labels if place_of.get(lb["id"]) == way]
        agree, both_unknown = len(ways("agree")), len(ways("agree-unknown"))
        print(f"  placed (found labels with a host whose reported region/country agrees with the label's) "
              f"{agree + both_unknown}/{len(place_of)}: {agree} with the label's region, {both_unknown} unknown in both; "
              f"reported unknown where the label knows it {len(ways('unknown-label-known'))}, "
              f"reported a region where the label says unknown {len(ways('reported-label-unknown'))}, "
              f"disagree {len(ways('disagree'))}")
        for way, title in (("unknown-label-known", "reported unknown, label knows"),
                           ("reported-label-unknown", "reported a region, label unknown"), ("disagree", "disagree")):
            if ways(way):
                print(f"    {title}: " + ", ".join(ways(way)))
    print("  missed: " + ", ".join(f"{label['host']} ({label.get('reach')})" for label in labels if not found[label["id"]]))
    print("  reported, not labelled: " + ", ".join(h for h in hosts if h not in matched_hosts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
