"""The YAML files of one scan, each parsed at most once (PyYAML loads on the first parse)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .yamlnodes import ParsedYaml


class YamlFiles:
    """Parses a YAML file of the scan the first time anyone asks: the config extractors, or
    the Python resolver when code loads the file as settings."""

    def __init__(self, sources: dict[str, bytes], count_parse: Callable[[str], None] = lambda path: None):
        self.sources = sources
        self.count_parse = count_parse
        self.parsed: dict[str, ParsedYaml] = {}

    def parse(self, path: str) -> ParsedYaml:
        found = self.parsed.get(path)
        if found is None:
            from .yamlnodes import parse_yaml

            self.count_parse(path)
            data = self.sources[path]
            # a template's resource types (AWS::S3::Bucket) hold "::": its nodes are kept for the template decoder
            found = self.parsed[path] = parse_yaml(data, keep_node=b"::" in data)
        return found
