"""Terraform modules → placements (resources with a location) and env sources, per var-file context.

``extract_terraform(root, files)`` reads every ``.tf`` / ``.tfvars`` file (grouped by folder: one
folder is one Terraform module) with python-hcl2's typed tree, which keeps the line of every
block, attribute and expression. Nothing is executed and no provider is contacted.

What is evaluated (statically; anything else is *unknown*, never guessed):

- ``variable`` defaults; ``terraform.tfvars`` and ``*.auto.tfvars`` (lexical order, later wins)
  for every context; every other ``*.tfvars`` is its own context named after the file and layered
  on top (Terraform's precedence: defaults < terraform.tfvars < *.auto.tfvars < -var-file). With
  no such file there is one context, ``default``;
- ``locals``, ``var.x``, ``local.x``, ``module.x.output``, arguments of other resources in the
  module (``azurerm_resource_group.rg.location``), string templates and heredocs with
  ``${...}``, literal maps and lists, indexing, and a few pure functions (``lookup``,
  ``jsonencode``, ``lower``, ``upper``, ``format``, ``merge``, ``coalesce``, ``tostring``);
- local modules (``source = "./modules/x"``): inputs bind the child's variables, resources get
  ``module.x.`` addresses, provider configurations are inherited or passed with ``providers``;
- ``provider`` blocks and aliases (``provider = aws.eu``).

Which resource types carry a location, and where resources set env vars, is data:
``rules/terraform/*.yaml`` (validated against ``schemas/rules-terraform.schema.json``).

Every value carries a chain of :class:`Step` from where it was written to where it is used,
e.g. ``terraform.tfvars:1 region = "us-central1"`` → ``variables.tf:3 var.region`` →
``main.tf:12 location = var.region``.

A Lambda's or ECS task's context also binds the region variables its runtime sets (the resource's
region, with its provider's provenance) and applies only to the code it ships (``code``: the
folders a ``data "archive_file"`` zips, layers, a registry module's ``source_path``).
``aws_sfn_state_machine`` Task states become endpoints of the services they call
(``statemachines``).

Modules: ``parse`` (files → blocks and attributes), ``modules`` (a folder's declarations),
``values`` (:class:`Val` and functions), ``evaluate`` (expressions in a :class:`Scope`),
``tfvars`` (var-file contexts), ``placements``, ``env`` (env sources), ``code``, ``statemachines``,
``registry`` (well-known remote modules), ``rules`` (rule data),
``extract`` (the entry point).
"""

from .extract import extract_terraform
from .parse import parse_hcl
from .rules import TerraformRules, bundled_terraform_rules, load_terraform_rules

__all__ = ["TerraformRules", "bundled_terraform_rules", "extract_terraform", "load_terraform_rules", "parse_hcl"]
