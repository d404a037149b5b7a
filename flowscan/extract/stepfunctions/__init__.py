"""Step Functions state machines → the AWS services their Task states call directly.

A Task state whose ``Resource`` is an optimized integration (``arn:aws:states:::bedrock:invokeModel``),
an AWS SDK integration (``arn:aws:states:::aws-sdk:s3:getObject``) or a Lambda function ARN calls
that service from the state machine, in the state machine's region: an endpoint with no code of
the tree behind it, placed by the stack's or provider's region, with provenance to the state's line.
Which integration calls which boto3 client is data (``rules/stepfunctions/*.yaml``); the host is
the client's endpoint in the botocore-generated table (``rules/tables/aws-endpoints.yaml``).

Modules: ``rules`` (rule data and the endpoint table), ``definition`` (the Task states of an
Amazon States Language document, from JSON text or an evaluated tree), ``endpoints`` (Task states →
config endpoints). The CloudFormation/SAM, Terraform and CDK extractors call ``task_endpoints``.
"""

from .definition import Definition, from_json_text, is_definition_file
from .endpoints import MachineRegion, task_endpoints
from .rules import StepFunctionsRules, bundled_stepfunctions_rules

__all__ = ["Definition", "MachineRegion", "StepFunctionsRules", "bundled_stepfunctions_rules", "from_json_text",
           "is_definition_file", "task_endpoints"]
