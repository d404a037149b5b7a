import posthog
import requests
import sentry_sdk

posthog.host = "https://eu.i.posthog.com"

# flowscan: allow[residency/region-not-allowed] reason="stack traces only, PII scrubbed (SEC-301)" owner=platform until=2099-12-31
sentry_sdk.init(dsn="https://abc123def456@o4500000000000000.ingest.us.sentry.io/4500000000000001")


def deployed(version: str) -> None:
    requests.post("https://hooks.slack.com/services/T000/B000/XXXX", json={"text": f"helpdesk {version} is live"})
