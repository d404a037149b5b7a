"""Ticket triage with a hosted model; the self-hosted one drafts replies."""
from anthropic import Anthropic
from openai import OpenAI

from helpdesk import settings

drafts = OpenAI(base_url=settings.GPU_URL, api_key="sk-local-not-a-secret-000000")


def summarise(ticket: str) -> str:
    return OpenAI().responses.create(model="gpt-4.1-mini", input=f"Summarise: {ticket}").output_text


def classify(ticket: str) -> str:
    return OpenAI().responses.create(model="gpt-4.1-mini", input=f"Category of: {ticket}").output_text


def translate(ticket: str) -> str:
    return OpenAI().responses.create(model="gpt-4.1-mini", input=f"To English: {ticket}").output_text


def detect_language(ticket: str) -> str:
    return OpenAI().responses.create(model="gpt-4.1-nano", input=f"Language of: {ticket}").output_text


def moderate(text: str) -> bool:
    return OpenAI().moderations.create(input=text).results[0].flagged


def embed(text: str) -> list[float]:
    return OpenAI().embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding


def urgency(ticket: str) -> str:
    if settings.LLM_PROVIDER == "anthropic":
        return Anthropic().messages.create(model="claude-sonnet-4-5", max_tokens=8,
                                           messages=[{"role": "user", "content": ticket}]).content[0].text
    return OpenAI().responses.create(model="gpt-4.1-nano", input=f"Urgency of: {ticket}").output_text


def draft_reply(ticket: str) -> str:
    return drafts.completions.create(model="qwen2.5-7b-instruct", prompt=ticket).choices[0].text
