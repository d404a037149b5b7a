"""AWS CDK apps in Python → placements and deployment contexts, read from the app's source
with ``ast`` (never synthesised, imported or run).

A ``cdk.json`` marks an app; the Python files under its folder that mention ``aws_cdk`` are
read. Stack classes, their instances' regions (``env=Environment(region=...)``, ``cdk.json``
context), the data constructs they create and the Lambda functions (code asset path,
``environment``) are found as described by ``rules/cdk/*.yaml``. Modules: ``source`` (imports
and static values), ``extract`` (stacks, constructs, contexts), ``rules``.
"""

from .extract import extract_cdk

__all__ = ["extract_cdk"]
