"""Bicep templates (and azd projects) -> placements (resources with a location) and env sources.

``extract_bicep(files)`` parses every ``.bicep`` file with pycep-parser's grammar (the parser
Checkov uses; imported only when a Bicep file is in the scan) and evaluates, without running
anything: parameters (defaults, ``<name>.parameters.json``, ``.bicepparam``), azd placeholders
``${VAR}`` / ``${VAR=default}`` filled per azd environment (``.azure/<env>/.env``), variables,
string interpolation, a few pure functions, ``resourceGroup().location`` (the location of the
resource group a module is deployed to, when the template creates it; unknown otherwise), modules
across files (``module x './y.bicep'``: params in, outputs back), and the endpoints Azure gives a
resource (``account.properties.endpoint``) from rule templates.

Every located resource is a placement; Container Apps ``env`` and App Service / Functions
``appSettings`` are deployment contexts (limited to the azd service's ``project`` folder when the
resource carries ``azd-service-name``); the root outputs of an azd project are the env azd runs the
code with. Rule data: ``rules/bicep/*.yaml`` (``schemas/rules-bicep.schema.json``).

Modules: ``parse`` (files -> declarations), ``evaluate`` (expressions in a :class:`BicepScope`),
``params`` (parameter contexts), ``rules``, ``extract`` (the entry point).
"""

from .extract import extract_bicep, is_bicep_input
from .rules import BicepRules, bundled_bicep_rules, load_bicep_rules

__all__ = ["BicepRules", "bundled_bicep_rules", "extract_bicep", "is_bicep_input", "load_bicep_rules"]
