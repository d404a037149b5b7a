"""CloudFormation and SAM templates → placements and deployment contexts.

``extract_cloudformation(templates, samconfigs)`` reads YAML and JSON templates with cfn-lint's
line-keeping decoder (imported on the first template), evaluates them statically once per
deploy config (each ``samconfig.toml`` environment beside the template, else one ``default``
with nothing fixed) and returns, per template:

- placements: every regional resource in the stack's region (``AWS::Region`` = the samconfig
  region, else unknown and said so); DynamoDB global table replicas in their own regions;
- env sources: Lambda functions (SAM ``Globals`` merged), ECS task definitions, App Runner
  services and Batch jobs, with the region variables their runtime sets, narrowed to the code
  they run (``CodeUri``, the Docker build context, layers);
- endpoints: the AWS services Step Functions state machines call from their Task states
  (``statemachines``, through ``flowscan.extract.stepfunctions``), in the stack's region;
- nested stacks (``AWS::CloudFormation::Stack`` / ``AWS::Serverless::Application`` with a local
  template): read in the parent's region and deploy config with the parameters it passes
  (``nested``), their names prefixed with the nesting resource's (``Parent/Child``).

Which resource types are global, which set env vars and where their code is: data in
``rules/cloudformation/*.yaml``. Modules: ``detect`` (is a file a template), ``decode``
(cfn-lint), ``samconfig`` (deploy configs), ``evaluate`` (parameters and intrinsics),
``extract`` (the entry point), ``nested``, ``statemachines``, ``rules``.
"""

from .detect import is_template_json, is_template_yaml
from .extract import extract_cloudformation

__all__ = ["extract_cloudformation", "is_template_json", "is_template_yaml"]
