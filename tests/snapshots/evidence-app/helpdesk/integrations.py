import requests

from helpdesk import settings


def search_articles(query: str) -> list[dict]:
    return requests.get(settings.SEARCH_API, params={"q": query}).json()["hits"]


def call_customer_webhook(url: str, event: dict) -> None:
    # flowscan: ignore[residency/region-unknown]
    requests.post(url, json=event, timeout=5)
