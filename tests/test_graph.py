"""The data-flow graph joins code and config locations that reach an endpoint."""

from flowscan.api import ScanOptions, scan

from .conftest import FIXTURES


def test_graph_links_config_lines_to_the_code_that_uses_them() -> None:
    result = scan(FIXTURES / "mixed-deploy-app", ScanOptions(jobs=1))
    vertex = next(e for e in result.report.endpoints if e.host == "europe-west4-aiplatform.googleapis.com")
    sources = result.graph.sources_of(vertex.id)
    for place in ("infra/terraform.tfvars:2", "infra/variables.tf:6", "infra/main.tf:24", "app/settings.py:3", "app/ai.py:7"):
        assert place in sources
    assert "deploy/k8s/api.yaml:14" not in sources  # PostHog's config line feeds a different endpoint


def test_unknown_endpoint_has_no_sources() -> None:
    result = scan(FIXTURES / "mixed-deploy-app", ScanOptions(jobs=1))
    assert result.graph.sources_of("ep-000000000000") == []


def test_contexts_do_not_share_graph_nodes() -> None:
    result = scan(FIXTURES / "mixed-deploy-app", ScanOptions(jobs=1))
    us = next(e for e in result.report.endpoints if e.host == "us.i.posthog.com")
    sources = result.graph.sources_of(us.id)
    assert "deploy/k8s/api.yaml:14" in sources
    assert "docker-compose.yml:7" not in sources  # the compose value goes to eu.i.posthog.com
