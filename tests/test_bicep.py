"""Bicep extractor: locations from parameters, parameter files, azd environments and resource
groups; modules across files; computed endpoints; env contexts; malformed files; rule data."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flowscan.catalog import CatalogError, bundled_catalog
from flowscan.configfacts import ConfigFacts, EnvSource, Placement
from flowscan.extract.bicep import extract_bicep, load_bicep_rules
from flowscan.model import Step
from flowscan.resources import served_hosts


def run(files: dict[str, str]) -> list[ConfigFacts]:
    return extract_bicep({path: textwrap.dedent(text).lstrip("\n").encode() for path, text in files.items()})


def placements(facts: list[ConfigFacts]) -> dict[tuple[str, str], Placement]:
    out: dict[tuple[str, str], Placement] = {}
    for f in facts:
        for p in f.placements:
            assert (p.resource, p.context) not in out, f"two placements for {p.resource} in {p.context}"
            out[(p.resource, p.context)] = p
    return out


def sources(facts: list[ConfigFacts]) -> dict[str, EnvSource]:
    return {s.name: s for f in facts for s in f.sources}


OPENAI = """
param name string
param location string = resourceGroup().location
param customSubDomainName string = name
param kind string = 'OpenAI'

resource account 'Microsoft.CognitiveServices/accounts@2023-05-01' = {
  name: name
  location: location
  kind: kind
  properties: {
    customSubDomainName: customSubDomainName
  }
}

output endpoint string = account.properties.endpoint
"""


def test_resource_group_location_is_unknown_at_resource_group_scope_and_says_why() -> None:
    facts = run({"infra/core/openai.bicep": OPENAI})
    [p] = placements(facts).values()
    assert (p.resource, p.region, p.context) == ("account", None, "default")
    assert any("resource group is created outside this template" in s.detail for s in p.chain)


def test_module_in_a_resource_group_the_template_creates_takes_its_location() -> None:
    facts = run({
        "infra/core/openai.bicep": OPENAI,
        "infra/main.bicep": """
        targetScope = 'subscription'
        param location string = 'swedencentral'

        resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
          name: 'rg-chat'
          location: location
        }

        module openAi 'core/openai.bicep' = {
          name: 'openai'
          scope: rg
          params: {
            name: 'chat-oai'
          }
        }

        output AZURE_OPENAI_ENDPOINT string = openAi.outputs.endpoint
        """,
    })
    by_address = {address: p for (address, _), p in placements(facts).items()}
    account = by_address["openAi.account"]
    assert (account.region, account.path, account.line) == ("swedencentral", "infra/core/openai.bicep", 8)
    assert account.chain[0] == Step("infra/main.bicep", 2, "param location string = 'swedencentral'")
    assert account.hosts == ("chat-oai.openai.azure.com",)
    assert by_address["rg"].region == "swedencentral"
    # not an azd project (no azure.yaml, no .azure/): outputs are not an env context
    assert not sources(facts)


def test_azd_placeholders_take_the_environment_then_the_default() -> None:
    files = {
        "azure.yaml": "name: chat\nservices:\n  web:\n    project: ./src\n    host: appservice\n",
        "infra/main.bicep": """
        param location string
        param aiLocation string
        param modelName string

        resource web 'Microsoft.Web/sites@2022-09-01' = {
          name: 'app-chat'
          location: location
          tags: { 'azd-service-name': 'web' }
          properties: {
            siteConfig: {
              appSettings: [
                { name: 'MODEL', value: modelName }
                { name: 'AI_LOCATION', value: aiLocation }
                { name: 'API_KEY', value: '@Microsoft.KeyVault(SecretUri=x)' }
              ]
            }
          }
        }

        output AI_LOCATION string = aiLocation
        @secure()
        output ADMIN_KEY string = 'k'
        """,
        "infra/main.parameters.json": """
        {
          "parameters": {
            "location": {"value": "${AZURE_LOCATION}"},
            "aiLocation": {"value": "${AI_LOCATION=francecentral}"},
            "modelName": {"value": "gpt-4o"}
          }
        }
        """,
        ".azure/dev/.env": 'AZURE_LOCATION="northeurope"\nAI_LOCATION="swedencentral"\n',
        ".azure/test/.env": 'AZURE_ENV_NAME="test"\n',
    }
    facts = run(files)
    web = placements(facts)
    assert web[("web", "azd:dev")].region == "northeurope"
    assert web[("web", "azd:dev")].chain[0] == Step(".azure/dev/.env", 1, "AZURE_LOCATION=northeurope")
    assert web[("web", "azd:test")].region is None
    assert "AZURE_LOCATION is not set in .azure/test/.env" in web[("web", "azd:test")].chain[0].detail
    found = sources(facts)
    dev = found["bicep:web[azd:dev]"]
    assert {b.key: b.value for b in dev.bindings} == {"MODEL": "gpt-4o", "AI_LOCATION": "swedencentral",
                                                     "API_KEY": "@Microsoft.KeyVault(SecretUri=x)"}
    assert dev.applies_to == ["src"]  # azd-service-name web -> azure.yaml services.web.project
    test = found["bicep:web[azd:test]"]
    assert {b.key: b.value for b in test.bindings}["AI_LOCATION"] == "francecentral"  # the azd default
    outputs = found["bicep:infra/main.bicep outputs[azd:dev]"]
    assert [(b.key, b.value) for b in outputs.bindings] == [("AI_LOCATION", "swedencentral")]  # @secure() left out


def test_no_azd_environment_leaves_unset_placeholders_unknown() -> None:
    facts = run({
        "main.bicep": "param location string\nresource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {\n  name: 'kv'\n  location: location\n}\n",
        "main.parameters.json": '{"parameters": {"location": {"value": "${AZURE_LOCATION}"}}}',
    })
    [p] = placements(facts).values()
    assert (p.region, p.context) == (None, "main.parameters.json")
    assert "set by azd from the environment at deploy time" in p.chain[0].detail


def test_bicepparam_literals_and_read_environment_variable() -> None:
    facts = run({
        "infra/main.bicep": """
        param location string
        param searchLocation string
        resource search 'Microsoft.Search/searchServices@2023-11-01' = {
          name: 'srch-docs'
          location: searchLocation
        }
        resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
          name: 'stdocs'
          location: location
        }
        """,
        "infra/prod.bicepparam": """
        using './main.bicep'

        param location = 'germanywestcentral'
        param searchLocation = readEnvironmentVariable('SEARCH_LOCATION', 'westeurope')
        """,
    })
    found = {address: p for (address, _), p in placements(facts).items()}
    assert found["storage"].region == "germanywestcentral"
    assert found["storage"].chain[0] == Step("infra/prod.bicepparam", 3, "param location = 'germanywestcentral'")
    assert found["search"].region == "westeurope"
    assert found["search"].hosts == ("srch-docs.search.windows.net",)
    assert found["storage"].hosts == ("stdocs.blob.core.windows.net",)


def test_not_binds_tighter_than_the_conditional() -> None:
    """pycep reads ``!empty(a) ? a : b`` as ``!(empty(a) ? a : b)``; Bicep does not."""
    facts = run({
        "main.bicep": """
        param customName string = 'chat-eu'
        param location string = 'westeurope'
        resource account 'Microsoft.CognitiveServices/accounts@2023-05-01' = {
          name: !empty(customName) ? customName : 'fallback'
          location: location
          kind: 'FormRecognizer'
          properties: {
            customSubDomainName: !empty(customName) ? customName : 'fallback'
          }
        }
        """,
    })
    [p] = placements(facts).values()
    assert p.hosts == ("chat-eu.cognitiveservices.azure.com",)  # not OpenAI: the cognitiveservices host


def test_container_app_env_secrets_and_image() -> None:
    facts = run({
        "app.bicep": """
        param location string = 'westeurope'
        resource app 'Microsoft.App/containerApps@2023-05-01' = {
          name: 'ca-api'
          location: location
          properties: {
            template: {
              containers: [
                {
                  name: 'main'
                  image: 'acr.io/api:1'
                  env: [
                    {
                      name: 'REGION'
                      value: location
                    }
                    {
                      name: 'OPENAI_API_KEY'
                      secretRef: 'openai-key'
                    }
                  ]
                }
              ]
            }
          }
        }
        """,
    })
    [source] = sources(facts).values()
    assert source.image == "acr.io/api:1"
    assert [(b.key, b.value, b.line) for b in source.bindings] == [("REGION", "westeurope", 14), ("OPENAI_API_KEY", None, 17)]
    assert "secretRef" in source.bindings[1].detail
    assert source.applies_to == []  # no azd service: the whole tree


def test_registry_module_and_existing_resources_are_named_not_placed() -> None:
    facts = run({
        "main.bicep": """
        param location string = 'westeurope'
        resource env 'Microsoft.App/managedEnvironments@2023-05-01' existing = {
          name: 'shared-env'
        }
        module kv 'br/public:avm/res/key-vault/vault:0.6.0' = {
          name: 'kv'
          params: {
            name: 'kv-chat'
            location: location
          }
        }
        """,
    })
    assert not placements(facts)
    [notes] = [f.notes for f in facts]
    assert notes == ["module kv 'br/public:avm/res/key-vault/vault:0.6.0' is not a Bicep file in the scan nor a module in rules/bicep; not analysed"]


def test_malformed_bicep_is_a_parse_error_with_its_line() -> None:
    facts = run({"main.bicep": "param location string\nresource x 'Microsoft.Web/sites@2022-09-01' = {\n  name: 'a'\n  location: \n"})
    [f] = facts
    assert f.parse_error is not None and f.parse_error[1].startswith("invalid Bicep")
    assert not f.placements


def test_served_hosts_place_one_region_and_refuse_two() -> None:
    catalog = bundled_catalog()
    one = Placement("account", "location", "swedencentral", "azure", "a.bicep", 3, context="azd:prod", hosts=("x.openai.azure.com",))
    other = Placement("account", "location", "eastus", "azure", "a.bicep", 3, context="azd:dev", hosts=("x.openai.azure.com",))
    placed = served_hosts([ConfigFacts("a.bicep", "bicep", placements=[one])], catalog)["x.openai.azure.com"]
    assert (placed.region, placed.jurisdiction, placed.source) == ("swedencentral", "eu", "resource")
    assert "account (a.bicep:3)" in placed.note
    both = served_hosts([ConfigFacts("a.bicep", "bicep", placements=[one, other])], catalog)["x.openai.azure.com"]
    assert (both.region, both.source) == (None, "unknown")


def test_bicep_rules_are_validated(tmp_path: Path) -> None:
    (tmp_path / "bicep").mkdir()
    (tmp_path / "bicep" / "bad.yaml").write_text("cloud: azure\nresources: [{type: '*', region: x}]\n")
    with pytest.raises(CatalogError, match="region"):
        load_bicep_rules(tmp_path)


def test_bundled_rules_place_apps_and_skip_role_assignments() -> None:
    rules = load_bicep_rules()
    assert rules.is_located("Microsoft.App/containerApps")
    assert rules.is_located("Microsoft.Web/sites")
    assert not rules.is_located("Microsoft.Authorization/roleAssignments")
    assert not rules.is_located("Microsoft.CognitiveServices/accounts/deployments")


def test_app_settings_from_a_nested_config_child_and_a_parent_config_resource() -> None:
    facts = run({
        "appservice.bicep": """
        param location string = 'westeurope'
        param appSettings object = {
          OPENAI_REGION: 'swedencentral'
        }
        resource site 'Microsoft.Web/sites@2022-09-01' = {
          name: 'app-chat'
          location: location
          kind: 'app,linux'
          properties: {
            siteConfig: {
              linuxFxVersion: 'PYTHON|3.11'
            }
          }

          resource configAppSettings 'config' = {
            name: 'appsettings'
            properties: union(appSettings, { SCM_DO_BUILD_DURING_DEPLOYMENT: 'true' })
          }
        }

        resource logs 'Microsoft.Web/sites/config@2022-09-01' = {
          parent: site
          name: 'logs'
          properties: {
            NOT_ENV: 'x'
          }
        }

        resource more 'Microsoft.Web/sites/config@2022-09-01' = {
          parent: site
          name: 'appsettings'
          properties: {
            MODE: 'prod'
          }
        }
        """,
    })
    [source] = sources(facts).values()
    assert {b.key: b.value for b in source.bindings} == {
        "OPENAI_REGION": "swedencentral", "SCM_DO_BUILD_DURING_DEPLOYMENT": "true", "MODE": "prod"}
    assert {b.key: b.line for b in source.bindings}["MODE"] == 33
    # the nested config is a child resource: no location of its own
    assert [address for address, _ in placements(facts)] == ["site"]


def test_conditionals_bind_loosest_and_module_entries_keep_their_file() -> None:
    """pycep reads ``a == 'python' ? x : y`` as ``a == ('python' ? x : y)``; Bicep does not. App
    settings passed into a shared module are located in the caller's file."""
    facts = run({
        "infra/core/appservice.bicep": """
        param location string = resourceGroup().location
        param runtimeName string
        param kind string = 'app,linux'
        param enableOryxBuild bool = contains(kind, 'linux')
        @secure()
        param appSettings object = {}

        resource site 'Microsoft.Web/sites@2022-09-01' = {
          name: 'app'
          location: location
          resource configAppSettings 'config' = {
            name: 'appsettings'
            properties: union(appSettings,
              {
                ENABLE_ORYX_BUILD: string(enableOryxBuild)
              },
              runtimeName == 'python' ? { PYTHON_ENABLE_GUNICORN_MULTIWORKERS: 'true' } : {})
          }
        }
        """,
        "infra/main.bicep": """
        module backend 'core/appservice.bicep' = {
          name: 'web'
          params: {
            location: 'francecentral'
            runtimeName: 'python'
            appSettings: {
              AZURE_OPENAI_CHATGPT_MODEL: 'gpt-4o'
            }
          }
        }
        """,
    })
    [source] = sources(facts).values()
    assert {b.key: (b.value, b.path, b.line) for b in source.bindings} == {
        "AZURE_OPENAI_CHATGPT_MODEL": ("gpt-4o", "infra/main.bicep", 7),
        "ENABLE_ORYX_BUILD": ("true", "infra/core/appservice.bicep", 15),
        "PYTHON_ENABLE_GUNICORN_MULTIWORKERS": ("true", "infra/core/appservice.bicep", 17),
    }
    [site] = placements(facts).values()
    assert site.chain[:2] == (Step("infra/main.bicep", 4, "module backend: location: 'francecentral'"),
                              Step("infra/core/appservice.bicep", 1, "param location"))


def test_verified_registry_modules_are_read_from_rule_data() -> None:
    facts = run({
        "azure.yaml": "name: chat\nservices:\n  api:\n    project: ./api\n    host: containerapp\n",
        "infra/main.bicep": """
        targetScope = 'subscription'
        param location string = 'westeurope'
        param openAiLocation string = 'eastus2'
        var tags = { 'azd-env-name': 'chat' }

        resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
          name: 'rg-avm-chat'
          tags: tags
          location: location
        }

        module openAi 'br/public:avm/res/cognitive-services/account:0.7.1' = {
          scope: rg
          name: 'openai-avm'
          params: {
            name: 'chat-oai'
            location: openAiLocation
            kind: 'OpenAI'
            customSubDomainName: 'chat-oai'
          }
        }

        module api 'br/public:avm/res/app/container-app:0.8.0' = {
          name: 'api'
          scope: rg
          params: {
            name: 'ca-api'
            tags: { 'azd-service-name': 'api' }
            containers: [
              {
                name: 'main'
                image: 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'
                env: [
                  {
                    name: 'AZURE_OPENAI_ENDPOINT'
                    value: openAi.outputs.endpoint
                  }
                ]
              }
            ]
          }
        }

        module kv 'br/public:avm/res/key-vault/vault:0.6.0' = {
          name: 'kv'
          scope: rg
        }
        """,
    })
    found = {address: p for (address, _), p in placements(facts).items()}
    assert found["openAi"].region == "eastus2"
    assert found["openAi"].hosts == ("chat-oai.openai.azure.com",)
    assert found["api"].region == "westeurope"  # the module's default: its resource group's location
    [source] = [s for s in sources(facts).values() if s.name.startswith("bicep:api")]
    assert [(b.key, b.value) for b in source.bindings] == [("AZURE_OPENAI_ENDPOINT", "https://chat-oai.openai.azure.com/")]
    assert source.applies_to == ["api"]
    notes = [n for f in facts for n in f.notes]
    assert "module kv 'br/public:avm/res/key-vault/vault:0.6.0' is not a Bicep file in the scan nor a module in rules/bicep; not analysed" in notes
    assert any(n.startswith("module openAi 'br/public:avm/res/cognitive-services/account:0.7.1' is read from rules/bicep") for n in notes)


def test_an_endpoint_named_by_unique_string_is_still_placed_where_its_account_is(tmp_path: Path) -> None:
    from flowscan.api import ScanOptions, scan

    files = {
        "azure.yaml": "name: chat\nservices:\n  api:\n    project: ./src\n    host: containerapp\n",
        "infra/core/openai.bicep": OPENAI,
        "infra/main.bicep": """
        targetScope = 'subscription'
        param environmentName string = 'dev'
        param location string = 'eastus'
        var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
        resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = { name: 'rg-${environmentName}', location: location }
        module openAi 'core/openai.bicep' = {
          scope: rg
          params: { name: 'cog-${resourceToken}' }
          name: 'openai'
        }
        output AZURE_OPENAI_ENDPOINT string = openAi.outputs.endpoint
        """,
        "src/app.py": """
        import os
        from openai import AzureOpenAI

        client = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-06-01")
        """,
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(textwrap.dedent(text).lstrip("\n"))
    [binding] = [b for f in run({p: t for p, t in files.items() if p != "src/app.py"}) for s in f.sources for b in s.bindings]
    assert (binding.key, binding.value, binding.resource) == ("AZURE_OPENAI_ENDPOINT", None, "openAi.account")
    [endpoint] = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert (endpoint.host, endpoint.placement.region, endpoint.placement.source) == (None, "eastus", "resource")
    assert endpoint.unresolved == ["endpoint of openAi.account"]
    assert any("uniqueString()" in step.detail for step in endpoint.provenance)
