"""Terraform extractor: var-file contexts and precedence, locals, heredocs, modules, provider
aliases, env blocks (Cloud Run, Lambda, ECS, App Service), malformed files, rule data."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flowscan.catalog import CatalogError
from flowscan.configfacts import ConfigFacts, EnvSource, Placement
from flowscan.extract.terraform import extract_terraform, load_terraform_rules
from flowscan.model import Step

from .conftest import FIXTURES


def run(files: dict[str, str]) -> list[ConfigFacts]:
    data = {path: textwrap.dedent(text).lstrip("\n").encode() for path, text in files.items()}
    return extract_terraform(Path("/nonexistent"), data)


def placements(facts: list[ConfigFacts]) -> dict[tuple[str, str], Placement]:
    """(resource address, context) -> placement; fails on duplicates."""
    out: dict[tuple[str, str], Placement] = {}
    for f in facts:
        for p in f.placements:
            key = (p.resource, p.context)
            assert key not in out, f"two placements for {key}"
            out[key] = p
    return out


def sources(facts: list[ConfigFacts]) -> dict[str, EnvSource]:
    return {s.name: s for f in facts for s in f.sources}


def env(source: EnvSource) -> dict[str, str | None]:
    return {b.key: b.value for b in source.bindings}


# -- variables, tfvars and contexts --------------------------------------------------------------

VARIABLES = """
variable "region" {
  type    = string
  default = "us-central1"
}
"""

BUCKET = """
resource "google_storage_bucket" "data" {
  name     = "data"
  location = var.region
}
"""


def test_variable_default_is_the_default_context() -> None:
    facts = run({"variables.tf": VARIABLES, "main.tf": BUCKET})
    p = placements(facts)[("google_storage_bucket.data", "default")]
    assert (p.region, p.cloud, p.path, p.line, p.attribute) == ("us-central1", "gcp", "main.tf", 3, "location")
    assert p.chain == (
        Step("variables.tf", 3, 'default = "us-central1"'),
        Step("variables.tf", 1, "var.region"),
        Step("main.tf", 3, "location = var.region"),
    )


def test_tfvars_precedence_auto_files_and_var_file_contexts() -> None:
    facts = run({
        "variables.tf": VARIABLES,
        "main.tf": BUCKET,
        "terraform.tfvars": 'region = "europe-west1"\n',
        "b.auto.tfvars": 'region = "europe-west3"\n',
        "a.auto.tfvars": 'region = "europe-west2"\n',  # loaded before b: b wins
        "prod.tfvars": 'region = "europe-west4"\n',
        "staging.tfvars": '# no region here\nproject = "x"\n',
    })
    by_key = placements(facts)
    assert set(by_key) == {("google_storage_bucket.data", "prod.tfvars"), ("google_storage_bucket.data", "staging.tfvars")}
    prod = by_key[("google_storage_bucket.data", "prod.tfvars")]
    assert prod.region == "europe-west4"
    assert prod.chain == (
        Step("prod.tfvars", 1, 'region = "europe-west4"'),
        Step("variables.tf", 1, "var.region"),
        Step("main.tf", 3, "location = var.region"),
    )
    staging = by_key[("google_storage_bucket.data", "staging.tfvars")]
    assert staging.region == "europe-west3"  # *.auto.tfvars beat terraform.tfvars, lexical order
    assert staging.chain[0] == Step("b.auto.tfvars", 1, 'region = "europe-west3"')


def test_terraform_tfvars_applies_without_other_var_files() -> None:
    facts = run({"variables.tf": VARIABLES, "main.tf": BUCKET, "terraform.tfvars": '# shared\nregion = "EUROPE-WEST4"\n'})
    p = placements(facts)[("google_storage_bucket.data", "default")]
    assert p.region == "europe-west4"  # normalised to the catalog spelling
    assert p.chain[0] == Step("terraform.tfvars", 2, 'region = "EUROPE-WEST4"')


def test_variable_without_value_is_unresolved_not_guessed() -> None:
    facts = run({
        "main.tf": """
        variable "region" {}
        resource "google_storage_bucket" "a" {
          location = var.region
        }
        resource "google_storage_bucket" "b" {
          location = data.google_client_config.current.region
        }
        """,
    })
    by_key = placements(facts)
    a = by_key[("google_storage_bucket.a", "default")]
    assert a.region is None and a.line == 3
    assert a.chain[0] == Step("main.tf", 1, "var.region has no default and no tfvars value")
    b = by_key[("google_storage_bucket.b", "default")]
    assert b.region is None and b.line == 6


# -- locals, interpolation, lookup -----------------------------------------------------------------

def test_locals_interpolation_lookup_and_index() -> None:
    facts = run({
        "main.tf": """
        variable "geo" {
          default = "europe"
        }
        locals {
          region  = "${var.geo}-west4"
          regions = { eu = "europe-west1", us = "us-east1" }
        }
        resource "google_cloud_run_v2_service" "api" {
          location = local.region
        }
        resource "google_bigquery_dataset" "ds" {
          location = lookup(local.regions, "us", "EU")
        }
        resource "google_vertex_ai_endpoint" "ep" {
          region = local.regions["eu"]
        }
        """,
    })
    by_key = placements(facts)
    run_ = by_key[("google_cloud_run_v2_service.api", "default")]
    assert (run_.region, run_.line) == ("europe-west4", 9)
    assert run_.chain == (
        Step("main.tf", 2, 'default = "europe"'),
        Step("main.tf", 1, "var.geo"),
        Step("main.tf", 5, 'region = "${var.geo}-west4"'),
        Step("main.tf", 9, "location = local.region"),
    )
    ds = by_key[("google_bigquery_dataset.ds", "default")]
    assert (ds.region, ds.line) == ("us-east1", 12)
    assert Step("main.tf", 6, 'regions = { eu = "europe-west1", us = "us-east1" }') in ds.chain
    ep = by_key[("google_vertex_ai_endpoint.ep", "default")]
    assert (ep.region, ep.attribute, ep.line) == ("europe-west1", "region", 15)


def test_resource_argument_reference_azure() -> None:
    facts = run({
        "main.tf": """
        resource "azurerm_resource_group" "rg" {
          name     = "shop"
          location = "westeurope"
        }
        resource "azurerm_linux_web_app" "api" {
          name                = "shop-api"
          resource_group_name = azurerm_resource_group.rg.name
          location            = azurerm_resource_group.rg.location
          app_settings = {
            POSTHOG_HOST = "https://eu.i.posthog.com"
            REGION       = azurerm_resource_group.rg.location
          }
          site_config {
            application_stack {
              docker_image_name = "shop/api:1.2"
            }
          }
        }
        """,
    })
    by_key = placements(facts)
    rg = by_key[("azurerm_resource_group.rg", "default")]
    api = by_key[("azurerm_linux_web_app.api", "default")]
    assert (rg.region, rg.cloud, rg.line) == ("westeurope", "azure", 3)
    assert (api.region, api.line) == ("westeurope", 8)
    assert api.chain[0] == Step("main.tf", 3, 'azurerm_resource_group.rg: location = "westeurope"')
    src = sources(facts)["terraform:azurerm_linux_web_app.api[default]"]
    assert env(src) == {"POSTHOG_HOST": "https://eu.i.posthog.com", "REGION": "westeurope"}
    assert [b.line for b in src.bindings] == [10, 11]
    assert src.image == "shop/api:1.2"


# -- modules -------------------------------------------------------------------------------------

def test_local_module_inputs_and_addresses() -> None:
    facts = run({
        "main.tf": """
        variable "region" {
          default = "us-east1"
        }
        module "storage" {
          source = "./modules/storage"
          bucket_region = var.region
        }
        module "remote" {
          source  = "acme-platform/storage/google"
          version = "~> 5.0"
        }
        """,
        "prod.tfvars": 'region = "europe-west4"\n',
        "modules/storage/variables.tf": """
        variable "bucket_region" {
          type = string
        }
        """,
        "modules/storage/main.tf": """
        resource "google_storage_bucket" "data" {
          name     = "data"
          location = var.bucket_region
        }
        """,
    })
    p = placements(facts)[("module.storage.google_storage_bucket.data", "prod.tfvars")]
    assert (p.region, p.path, p.line) == ("europe-west4", "modules/storage/main.tf", 3)
    assert p.chain == (
        Step("prod.tfvars", 1, 'region = "europe-west4"'),
        Step("main.tf", 1, "var.region"),
        Step("main.tf", 6, "module.storage: bucket_region = var.region"),
        Step("modules/storage/variables.tf", 1, "var.bucket_region"),
        Step("modules/storage/main.tf", 3, "location = var.bucket_region"),
    )
    by_path = {f.path: f for f in facts}
    assert by_path["modules/storage/main.tf"].placements == [p]
    assert any("module.remote" in n for n in by_path["main.tf"].notes)
    # the module folder is not evaluated on its own (its variable has no value there)
    assert len(placements(facts)) == 1


# -- providers -----------------------------------------------------------------------------------

def test_provider_alias_and_default_provider_region() -> None:
    facts = run({
        "providers.tf": """
        provider "aws" {
          region = "us-east-1"
        }

        provider "aws" {
          alias  = "eu"
          region = var.eu_region
        }
        variable "eu_region" {
          default = "eu-central-1"
        }
        """,
        "main.tf": """
        resource "aws_s3_bucket" "logs" {
          bucket = "logs"
        }

        resource "aws_s3_bucket" "eu_data" {
          provider = aws.eu
          bucket   = "eu-data"
        }

        resource "aws_sqs_queue" "jobs" {
          region = "eu-west-1"
        }

        resource "aws_iam_role" "app" {
          name = "app"
        }

        module "cache" {
          source    = "./cache"
          providers = { aws = aws.eu }
        }
        """,
        "cache/main.tf": """
        resource "aws_elasticache_cluster" "c" {
          cluster_id = "c"
        }
        """,
    })
    by_key = placements(facts)
    logs = by_key[("aws_s3_bucket.logs", "default")]
    assert (logs.region, logs.cloud, logs.path, logs.line, logs.attribute) == ("us-east-1", "aws", "providers.tf", 2, "region")
    assert logs.chain == (
        Step("providers.tf", 2, 'provider aws: region = "us-east-1"'),
        Step("main.tf", 1, "aws_s3_bucket.logs sets no region: the region of provider aws"),
    )
    eu = by_key[("aws_s3_bucket.eu_data", "default")]
    assert (eu.region, eu.path, eu.line) == ("eu-central-1", "providers.tf", 7)
    assert eu.chain[:2] == (Step("providers.tf", 10, 'default = "eu-central-1"'), Step("providers.tf", 9, "var.eu_region"))
    assert eu.chain[-1] == Step("main.tf", 5, "aws_s3_bucket.eu_data sets no region: the region of provider aws.eu")
    jobs = by_key[("aws_sqs_queue.jobs", "default")]
    assert (jobs.region, jobs.path, jobs.line) == ("eu-west-1", "main.tf", 11)
    assert ("aws_iam_role.app", "default") not in by_key
    cache = by_key[("module.cache.aws_elasticache_cluster.c", "default")]
    assert (cache.region, cache.line) == ("eu-central-1", 7)
    # placements are attached to the file of the resource
    assert {p.resource for f in facts if f.path == "main.tf" for p in f.placements} == {
        "aws_s3_bucket.logs", "aws_s3_bucket.eu_data", "aws_sqs_queue.jobs"}


def test_missing_provider_region_is_unknown_at_the_resource() -> None:
    facts = run({"main.tf": 'provider "aws" {}\n\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'})
    p = placements(facts)[("aws_s3_bucket.b", "default")]
    assert (p.region, p.path, p.line) == (None, "main.tf", 3)
    assert "provider aws sets no region" in p.chain[0].detail


# -- env blocks ----------------------------------------------------------------------------------

def test_cloud_run_v2_env_from_tfvars_fixture() -> None:
    root = FIXTURES / "terraform-gcp-eu"
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.suffix in (".tf", ".tfvars")}
    facts = extract_terraform(root, files)
    src = sources(facts)["terraform:google_cloud_run_v2_service.api[default]"]
    assert (src.kind, src.path, src.line) == ("terraform", "main.tf", 27)
    assert src.image == "europe-west4-docker.pkg.dev/shopbot-prod/shopbot/api:latest"
    assert env(src) == {"VERTEX_LOCATION": "europe-west4", "GCP_PROJECT": "shopbot-prod", "OPENAI_API_KEY": None}
    vertex = src.bindings[0]
    assert (vertex.path, vertex.line) == ("main.tf", 37)
    assert vertex.chain == (
        Step("terraform.tfvars", 3, 'vertex_location = "europe-west4"'),
        Step("variables.tf", 11, "var.vertex_location"),
    )
    assert "value_source" in src.bindings[2].detail
    by_key = placements(facts)
    assert (by_key[("google_storage_bucket.exports", "default")].region, by_key[("google_storage_bucket.exports", "default")].line) == ("US", 24)
    assert (by_key[("google_storage_bucket.documents", "default")].region, by_key[("google_storage_bucket.documents", "default")].line) == ("EU", 18)
    assert by_key[("google_cloud_run_v2_service.api", "default")].region == "europe-west4"


def test_cloud_run_v1_env() -> None:
    facts = run({
        "main.tf": """
        resource "google_cloud_run_service" "worker" {
          name     = "worker"
          location = "europe-west1"
          template {
            spec {
              containers {
                image = "gcr.io/p/worker"
                env {
                  name  = "AWS_REGION"
                  value = "eu-west-1"
                }
              }
            }
          }
        }
        """,
    })
    src = sources(facts)["terraform:google_cloud_run_service.worker[default]"]
    assert env(src) == {"AWS_REGION": "eu-west-1"}
    assert src.bindings[0].line == 10 and src.image == "gcr.io/p/worker"


def test_lambda_environment_map_per_context() -> None:
    facts = run({
        "main.tf": """
        variable "bedrock_region" {
          default = "us-east-1"
        }
        resource "aws_lambda_function" "ingest" {
          function_name = "ingest"
          image_uri     = "123.dkr.ecr.eu-west-1.amazonaws.com/ingest:1"
          environment {
            variables = {
              BEDROCK_REGION = var.bedrock_region
              LOG_LEVEL      = "info"
              "RETRIES"      = 3
            }
          }
        }
        """,
        "prod.tfvars": 'bedrock_region = "eu-central-1"\n',
        "dev.tfvars": "",
    })
    by_name = sources(facts)
    assert set(by_name) == {"terraform:aws_lambda_function.ingest[dev.tfvars]", "terraform:aws_lambda_function.ingest[prod.tfvars]"}
    prod = by_name["terraform:aws_lambda_function.ingest[prod.tfvars]"]
    # no aws provider block: the region the runtime sets is decided at apply time
    assert env(prod) == {"AWS_REGION": None, "AWS_DEFAULT_REGION": None,
                         "BEDROCK_REGION": "eu-central-1", "LOG_LEVEL": "info", "RETRIES": "3"}
    assert prod.bindings[0].detail == "the region it runs in, set at apply time"
    written = prod.bindings[2:]
    assert [b.line for b in written] == [9, 10, 11]
    assert written[0].chain == (Step("prod.tfvars", 1, 'bedrock_region = "eu-central-1"'), Step("main.tf", 1, "var.bedrock_region"))
    assert prod.image == "123.dkr.ecr.eu-west-1.amazonaws.com/ingest:1"
    dev = by_name["terraform:aws_lambda_function.ingest[dev.tfvars]"]
    assert env(dev)["BEDROCK_REGION"] == "us-east-1"
    assert dev.bindings[2].chain[0] == Step("main.tf", 2, 'default = "us-east-1"')


def test_ecs_container_definitions_jsonencode() -> None:
    facts = run({
        "main.tf": """
        locals {
          posthog = "https://eu.i.posthog.com"
        }
        resource "aws_ecs_task_definition" "api" {
          family = "api"
          container_definitions = jsonencode([
            {
              name  = "api"
              image = "ghcr.io/acme/api:2"
              environment = [
                { name = "POSTHOG_HOST", value = local.posthog },
                { name = "AWS_REGION", value = "eu-north-1" },
                { name = "TOKEN", value = data.aws_ssm_parameter.t.value },
              ]
              secrets = [{ name = "DB_PASSWORD", valueFrom = "arn:aws:ssm:eu-north-1:1:parameter/db" }]
            }
          ])
        }
        """,
    })
    src = sources(facts)["terraform:aws_ecs_task_definition.api[default]"]
    # the container's own AWS_REGION is written after (wins over) the one Amazon ECS sets
    assert env(src) == {"POSTHOG_HOST": "https://eu.i.posthog.com", "AWS_REGION": "eu-north-1", "TOKEN": None,
                        "DB_PASSWORD": None, "AWS_DEFAULT_REGION": None}
    written = src.bindings[2:]
    assert [b.line for b in written] == [11, 12, 13, 15]
    assert written[0].chain == (Step("main.tf", 2, 'posthog = "https://eu.i.posthog.com"'),)
    assert written[0].detail == "aws_ecs_task_definition.api container_definitions[api].environment"
    assert src.image == "ghcr.io/acme/api:2"


def test_ecs_container_definitions_heredoc_with_interpolation() -> None:
    facts = run({
        "variables.tf": 'variable "region" {\n  default = "eu-west-1"\n}\n',
        "main.tf": """
        resource "aws_ecs_task_definition" "worker" {
          family                = "worker"
          container_definitions = <<EOF
        [
          {
            "name": "worker",
            "image": "acme/worker:${var.region}",
            "environment": [
              {"name": "AWS_REGION", "value": "${var.region}"},
              {"name": "QUEUE_URL", "value": "https://sqs.${var.region}.amazonaws.com/1/${aws_sqs_queue.q.name}"},
              {"name": "MODE", "value": "batch"}
            ]
          }
        ]
        EOF
        }
        """,
    })
    src = sources(facts)["terraform:aws_ecs_task_definition.worker[default]"]
    assert env(src) == {"AWS_REGION": "eu-west-1", "QUEUE_URL": None, "MODE": "batch", "AWS_DEFAULT_REGION": None}
    written = src.bindings[2:]
    assert [b.line for b in written] == [9, 10, 11]
    assert written[0].chain == (Step("variables.tf", 2, 'default = "eu-west-1"'), Step("variables.tf", 1, "var.region"))
    assert src.image == "acme/worker:eu-west-1"


# -- errors and rules ------------------------------------------------------------------------------

def test_malformed_file_reports_line_and_module_goes_on() -> None:
    facts = run({
        "variables.tf": VARIABLES,
        "main.tf": BUCKET,
        "broken.tf": 'resource "google_storage_bucket" "x" {\n  location = \n}\n',
        "bad.tfvars": 'region = "unterminated\n',
    })
    by_path = {f.path: f for f in facts}
    assert by_path["broken.tf"].parse_error is not None
    assert by_path["broken.tf"].parse_error[0] == 2
    assert by_path["broken.tf"].parse_error[1].startswith("invalid HCL")
    assert by_path["bad.tfvars"].parse_error is not None and by_path["bad.tfvars"].parse_error[0] == 1
    # bad.tfvars is still a (broken) var-file context; the bucket keeps the default there
    assert placements(facts)[("google_storage_bucket.data", "bad.tfvars")].region == "us-central1"


def test_zone_attribute_gives_its_region() -> None:
    facts = run({"main.tf": 'resource "google_compute_instance" "vm" {\n  zone = "europe-west4-b"\n}\n'})
    p = placements(facts)[("google_compute_instance.vm", "default")]
    assert (p.region, p.attribute, p.line) == ("europe-west4", "zone", 2)


def test_rule_files_are_validated(tmp_path: Path) -> None:
    rules = load_terraform_rules()
    assert rules.resource_rule("google_storage_bucket").attributes == ("location",)
    assert rules.resource_rule("google_vertex_ai_index").fallback_provider
    assert rules.resource_rule("aws_iam_role").skip
    (tmp_path / "terraform").mkdir()
    (tmp_path / "terraform" / "bad.yaml").write_text("cloud: mars\nproviders: [x]\n")
    with pytest.raises(CatalogError, match="cloud"):
        load_terraform_rules(tmp_path)
