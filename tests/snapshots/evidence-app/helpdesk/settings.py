import os

LLM_PROVIDER = os.getenv("LLM_PROVIDER", "openai")
GPU_URL = "https://gpu.helpdesk.example.net/v1"
SEARCH_API = "https://search.vendor-example.io/v2/query"
