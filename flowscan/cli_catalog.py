"""``flowscan init`` (a commented starter policy), ``flowscan regions`` and ``flowscan providers``
(the catalog: region -> country, jurisdiction; provider -> hosts, purpose). Registered on the
``flowscan`` group by ``cli.py``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .cli import _emit, main

_format_opt = click.option("--format", "fmt", type=click.Choice(["console", "json"]), default="console",
                           show_default=True, help="console: a table; json: the same rows, keys in a stable order.")

STARTER = """\
# flowscan policy: where this application's data may go. Checked against the JSON Schema
# flowscan/schemas/policy.schema.json (an unknown key or name stops the scan with file:line).
# Reference: `flowscan rules`, `flowscan regions`, `flowscan providers`.
version: 1
residency:
  # Allowed places: region groups (eu, eea, europe, us, uk, ch, ...), jurisdictions, ISO 3166-1
  # countries (DE; quote 'NO') or region codes (eu-west-1, gcp:europe-west4).
  # Empty: flowscan only inventories endpoints and reports what it cannot place.
  allowed: {allowed}
  # Hosts flowscan cannot place (your own gateway, an Azure OpenAI resource): say where they run.
  endpoints: []
  #  - host: "myco-oai.openai.azure.com"
  #    region: swedencentral
  #    reason: "resource deployed in Sweden Central (ticket SEC-142)"
  # Accepted endpoints outside the allowed places, each with the reason it is acceptable.
  exempt: []
  #  - host: hooks.slack.com
  #    reason: "deploy notifications only; no customer data"
paths:
  # Not read at all (gitignore patterns relative to this file's folder); listed as skipped.
  exclude: []
# rules:
#   residency/region-unknown: error   # error | warning | note | off
"""

SNIPPETS = """\
Next:
  flowscan scan .            # the inventory and what the policy forbids

pre-commit (.pre-commit-config.yaml):
  repos:
    - repo: https://github.com/flowscan/flowscan
      rev: v{version}
      hooks:
        - id: flowscan

GitHub Actions (a step; upload the SARIF to code scanning):
  - run: pip install flowscan=={version} && flowscan scan . --format sarif -o flowscan.sarif
  - uses: github/codeql-action/upload-sarif@v3
    with:
      sarif_file: flowscan.sarif
"""


@main.command("init")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option("--allow", multiple=True, metavar="REGIONS",
              help="Allowed regions to write into residency.allowed (eu, eea, DE, eu-west-1, ...); repeat or "
                   "separate with commas. Without it the policy allows nothing yet (inventory only).")
@click.option("--force", is_flag=True, help="Overwrite an existing flowscan.yaml.")
def init_command(path: Path, allow: tuple[str, ...], force: bool) -> None:
    """Write a commented starter flowscan.yaml in PATH and print pre-commit and GitHub Actions snippets.

    \b
    Examples:
      flowscan init --allow eu
      flowscan init services/api --allow eea,CH
    """
    from . import __version__
    from .catalog import bundled_catalog
    from .policy import POLICY_FILE, PolicyError, load_policy

    target = path / POLICY_FILE
    if target.exists() and not force:
        raise click.UsageError(f"{target} exists; pass --force to overwrite it")
    allowed = [x.strip() for item in allow for x in item.split(",") if x.strip()]
    try:
        load_policy({"residency": {"allowed": allowed}}, bundled_catalog(), "--allow")  # a typo fails before writing
    except PolicyError as exc:
        raise click.UsageError(str(exc)) from exc
    _emit(STARTER.format(allowed=json.dumps(allowed)), target)
    click.echo(f"flowscan: wrote {target}" + (f" (allowed: {', '.join(allowed)})" if allowed else
                                               " (nothing allowed yet: add residency.allowed or use --allow)"))
    click.echo(SNIPPETS.format(version=__version__))


def region_rows() -> list[dict[str, Any]]:
    """Every region of the catalog: cloud, code, name, country (code and name), jurisdiction."""
    from .catalog import bundled_catalog
    from .countries import iso_countries

    catalog = bundled_catalog()
    countries = iso_countries()
    rows = []
    for kind, tables in (("region", catalog.regions), ("multi-region", catalog.multi_regions)):
        for cloud in sorted(tables):
            for code, region in sorted(tables[cloud].items()):
                rows.append({"cloud": cloud, "code": code, "kind": kind, "name": region.name,
                             "country": region.country, "country_name": countries.get(region.country or ""),
                             "jurisdiction": region.jurisdiction})
    return rows


@main.command("regions")
@click.option("--cloud", help="Only this cloud (aws, azure, gcp).")
@_format_opt
def regions_command(cloud: str | None, fmt: str) -> None:
    """List the regions flowscan knows: cloud, code, name, country and jurisdiction, and the
    region groups residency.allowed accepts."""
    from .catalog import bundled_catalog

    rows = [r for r in region_rows() if cloud is None or r["cloud"] == cloud]
    if cloud is not None and not rows:
        raise click.UsageError(f"no cloud {cloud!r}; one of {', '.join(sorted({r['cloud'] for r in region_rows()}))}")
    groups = {name: {"description": group.get("description"), "jurisdictions": sorted(group.get("jurisdictions", [])),
                     "countries": sorted(group.get("countries", []))}
              for name, group in sorted(bundled_catalog().groups.items())}
    if fmt == "json":
        click.echo(json.dumps({"regions": rows, "groups": groups}, indent=2, sort_keys=True))
        return
    for row in rows:
        country = f"{row['country']} {row['country_name']}" if row["country"] else "-"
        click.echo(f"{row['cloud']:<6} {row['code']:<28} {row['jurisdiction']:<8} {country:<28} {row['name']}"
                   + (" (multi-region)" if row["kind"] == "multi-region" else ""))
    click.echo("\nGroups (residency.allowed):")
    for name, group in groups.items():
        members = ", ".join(group["jurisdictions"] + group["countries"])
        click.echo(f"  {name:<14} {members}")


def provider_rows() -> list[dict[str, Any]]:
    """Every provider of the catalog: id, name, purpose, and each host rule with where it places the host."""
    from .catalog import bundled_catalog

    catalog = bundled_catalog()
    hosts: dict[str, list[dict[str, Any]]] = {}
    for rule in catalog.host_rules:
        hosts.setdefault(rule.provider, []).append({
            "host": rule.glob if rule.glob is not None else f"regex:{rule.pattern}",
            "cloud": rule.cloud, "region": rule.region, "country": rule.country, "jurisdiction": rule.jurisdiction})
    return [{"id": pid, "name": name, "purpose": catalog.purposes.get(pid),
             "hosts": sorted(hosts.get(pid, []), key=lambda h: h["host"])}
            for pid, name in sorted(catalog.providers.items())]


@main.command("providers")
@_format_opt
def providers_command(fmt: str) -> None:
    """List the providers flowscan knows: id, name, purpose and the hosts it recognises (with the
    region, country or jurisdiction a host implies; `region` in a regex is read from the host)."""
    rows = provider_rows()
    if fmt == "json":
        click.echo(json.dumps({"providers": rows}, indent=2, sort_keys=True))
        return
    for row in rows:
        click.echo(f"{row['id']}  {row['name']}" + (f"  [{row['purpose']}]" if row["purpose"] else ""))
        for host in row["hosts"]:
            where = " / ".join(str(x) for x in (host["region"], host["country"], host["jurisdiction"]) if x)
            click.echo(f"    {host['host']}" + (f"  ({where})" if where else ""))
