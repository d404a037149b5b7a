"""A small evaluator of the AWS endpoint rules language, for scripts/gen_aws_endpoints.py.

Every botocore client resolves the URL of each request by running its service's rule set
(``botocore/data/NAME/API-VERSION/endpoint-rule-set-1.json``) on parameters: the region, the
FIPS/dual-stack switches, an ``endpoint_url`` override, and per-service ones. This module runs
such a rule set on given parameter values and returns the URL, with the semantics of botocore's
own evaluator (botocore/endpoint_provider.py):

- parameters: a missing value takes the parameter's ``default``; a ``required`` one without
  either is an error;
- a rule matches when none of its conditions returns ``None`` or ``False``; a condition with
  ``assign`` binds its result for the rest of that rule (and its sub-rules);
- ``endpoint`` rules give a URL, ``error`` rules stop with their message, ``tree`` rules try
  their sub-rules in order and, when none matches, evaluation goes on with the next sibling;
- arguments are literals, ``{"ref": NAME}``, ``{"fn": ..., "argv": [...]}`` or template strings
  (``"https://{Region}.{PartitionResult#dnsSuffix}"``: ``#`` reads an attribute);
- the functions: isSet, not, booleanEquals, stringEquals, getAttr, substring, uriEncode,
  parseURL, isValidHostLabel, aws.partition (partitions.json), aws.parseArn,
  aws.isVirtualHostableS3Bucket.

It imports nothing from botocore: the generator reads botocore's files as data.
"""

from __future__ import annotations

import ipaddress
import re
import string
from typing import Any
from urllib.parse import quote, urlparse

_TEMPLATE = re.compile(r"\{[a-zA-Z#]+\}")
_INDEXED = re.compile(r"(\w*)\[(\d+)\]")
_HOST_LABEL = re.compile(r"^(?!-)[a-zA-Z\d-]{1,63}(?<!-)$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_FORMATTER = string.Formatter()


class RuleError(Exception):
    """An error rule matched, no rule matched, or the rule set is not well formed."""


class RuleSet:
    """One service's endpoint rule set, with the partitions ``aws.partition`` chooses from."""

    def __init__(self, document: dict[str, Any], partitions: list[dict[str, Any]]):
        self.parameters: dict[str, dict[str, Any]] = document["parameters"]
        self.rules: list[dict[str, Any]] = document["rules"]
        self.partitions = partitions

    def builtins(self) -> dict[str, str]:
        """Parameter name -> the SDK built-in that fills it (``AWS::Region``, ...)."""
        return {name: spec["builtIn"] for name, spec in self.parameters.items() if "builtIn" in spec}

    def resolve(self, values: dict[str, Any]) -> str:
        """The URL for these parameter values; RuleError when the rule set gives none."""
        scope: dict[str, Any] = {}
        for name, spec in self.parameters.items():
            value = values.get(name)
            if value is None:
                value = spec.get("default")
                if value is None and spec.get("required"):
                    raise RuleError(f"no value for the required parameter {name}")
            if value is not None:
                scope[name] = value
        found = self._first(self.rules, scope)
        if found is None:
            raise RuleError("no rule matched")
        return found

    def _first(self, rules: list[dict[str, Any]], scope: dict[str, Any]) -> str | None:
        for rule in rules:
            found = self._rule(rule, dict(scope))
            if found is not None:
                return found
        return None

    def _rule(self, rule: dict[str, Any], scope: dict[str, Any]) -> str | None:
        for condition in rule.get("conditions", []):
            result = self._call(condition, scope)
            if result is None or result is False:
                return None
        kind = rule["type"]
        if kind == "endpoint":
            return self._value(rule["endpoint"]["url"], scope)
        if kind == "error":
            raise RuleError(str(self._value(rule["error"], scope)))
        if kind == "tree":
            return self._first(rule["rules"], scope)
        raise RuleError(f"unknown rule type {kind!r}")

    def _call(self, call: dict[str, Any], scope: dict[str, Any]) -> Any:
        name = call["fn"]
        if name not in _FUNCTIONS:
            raise RuleError(f"unknown function {name!r}")
        args = [self._value(arg, scope) for arg in call["argv"]]
        result = self._partition(*args) if name == "aws.partition" else _FUNCTIONS[name](*args)
        if "assign" in call:
            scope[call["assign"]] = result
        return result

    def _value(self, value: Any, scope: dict[str, Any]) -> Any:
        if isinstance(value, dict) and "fn" in value:
            return self._call(value, scope)
        if isinstance(value, dict) and "ref" in value:
            return scope.get(value["ref"])
        if isinstance(value, str) and _TEMPLATE.search(value):
            return _fill_template(value, scope)
        return value

    def _partition(self, region: str | None) -> dict[str, Any]:
        """The partition of a region: one that lists it, else one whose regionRegex matches it,
        in partitions.json order; the first partition when none does."""
        if region is not None:
            for partition in self.partitions:
                if region in partition["regions"] or re.match(partition["regionRegex"], region):
                    return {**partition["outputs"], "name": partition["id"]}
        first = self.partitions[0]
        return {**first["outputs"], "name": first["id"]}


def _fill_template(template: str, scope: dict[str, Any]) -> str:
    out = []
    for literal, field, _, _ in _FORMATTER.parse(template):
        out.append(literal)
        if field is not None:
            value: Any = scope
            for part in field.split("#"):
                value = value[part]
            out.append(str(value))
    return "".join(out)


# -- the standard library ------------------------------------------------------------

def _is_set(value: Any) -> bool:
    return value is not None


def _not(value: Any) -> bool:
    return not value


def _boolean_equals(left: Any, right: Any) -> bool:
    if not (isinstance(left, bool) and isinstance(right, bool)):
        raise RuleError(f"booleanEquals takes booleans, not {left!r} and {right!r}")
    return left is right


def _string_equals(left: Any, right: Any) -> bool:
    if not (isinstance(left, str) and isinstance(right, str)):
        raise RuleError(f"stringEquals takes strings, not {left!r} and {right!r}")
    return left == right


def _get_attr(value: Any, path: str) -> Any:
    for part in path.split("."):
        indexed = _INDEXED.search(part)
        if indexed is None:
            value = value[part]
            continue
        name, index = indexed.group(1), int(indexed.group(2))
        if name:
            value = value.get(name)
        if value is None or index >= len(value):
            return None
        return value[index]
    return value


def _substring(value: Any, start: int, stop: int, reverse: bool) -> str | None:
    if not isinstance(value, str):
        raise RuleError(f"substring takes a string, not {value!r}")
    if start >= stop or len(value) < stop or not value.isascii():
        return None
    if reverse:
        return value[len(value) - stop:len(value) - start]
    return value[start:stop]


def _uri_encode(value: str | None) -> str | None:
    return None if value is None else quote(value, safe="-_.~")


def _is_valid_host_label(value: str | None, allow_subdomains: bool) -> bool:
    if value is None or (allow_subdomains is False and "." in value):
        return False
    if allow_subdomains is True:
        return all(_is_valid_host_label(label, False) for label in value.split("."))
    return _HOST_LABEL.match(value) is not None


def _is_virtual_hostable_s3_bucket(value: str | None, allow_subdomains: bool) -> bool:
    if value is None or len(value) < 3 or value.lower() != value or _IPV4.match(value):
        return False
    return _is_valid_host_label(value, allow_subdomains)


def _parse_url(value: str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    parts = urlparse(value)
    try:
        parts.port
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or parts.query:
        return None
    normalized = quote(_remove_dot_segments(parts.path) if parts.path else "/")
    if not normalized.endswith("/"):
        normalized += "/"
    return {
        "scheme": parts.scheme,
        "authority": parts.netloc,
        "path": parts.path,
        "normalizedPath": normalized,
        "isIp": _is_ip(parts.hostname),
    }


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4, with empty segments dropped too, as botocore's normalize_url_path does."""
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and kept else ""
    return first + "/".join(kept) + last


def _is_ip(host: str | None) -> bool:
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _parse_arn(value: str | None) -> dict[str, Any] | None:
    if value is None or not value.startswith("arn:"):
        return None
    parts = value.split(":", 5)
    if len(parts) < 6:
        return None
    _, partition, service, region, account, resource = parts
    if not (partition and service and resource):
        return None
    return {
        "partition": partition,
        "service": service,
        "region": region,
        "accountId": account,
        "resourceId": resource.replace(":", "/").split("/"),
    }


_FUNCTIONS: dict[str, Any] = {
    "isSet": _is_set,
    "not": _not,
    "booleanEquals": _boolean_equals,
    "stringEquals": _string_equals,
    "getAttr": _get_attr,
    "substring": _substring,
    "uriEncode": _uri_encode,
    "parseURL": _parse_url,
    "isValidHostLabel": _is_valid_host_label,
    "aws.partition": None,  # needs the rule set's partitions: RuleSet._partition
    "aws.parseArn": _parse_arn,
    "aws.isVirtualHostableS3Bucket": _is_virtual_hostable_s3_bucket,
}
