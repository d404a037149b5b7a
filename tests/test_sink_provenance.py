"""The provenance steps a sink spec adds: an SDK default taken (also inside a switch selector or a
template parameter) and the connection-string field an endpoint was read from."""

from __future__ import annotations

from pathlib import Path

from .conftest import endpoints_by_line


def _details(endpoints: list) -> list[str]:
    [endpoint] = endpoints
    return [step.detail for step in endpoint.provenance]


def test_sdk_defaults_taken_by_a_switch_are_in_the_provenance(tmp_path: Path) -> None:
    by_line = endpoints_by_line(tmp_path, """\
        from amplitude import Amplitude, Config

        config = Config()
        client = Amplitude("key")
        """)
    assert by_line[3][0].host == "api2.amplitude.com"
    details = _details(by_line[3])
    assert "amplitude.Config default" in details  # server_zone not given: the zone template's default US
    assert "amplitude.Amplitude default" in details  # configuration not given: the default Config


def test_the_connection_string_field_read_is_in_the_provenance(tmp_path: Path) -> None:
    by_line = endpoints_by_line(tmp_path, """\
        from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter

        exporter = AzureMonitorTraceExporter(
            connection_string="InstrumentationKey=0000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/")
        """)
    assert by_line[3][0].host == "westeurope-5.in.applicationinsights.azure.com"
    assert ("azure.monitor.opentelemetry.exporter.AzureMonitorTraceExporter: IngestionEndpoint of the connection string"
            in _details(by_line[3]))
