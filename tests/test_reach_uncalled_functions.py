"""Default or opt-in for a library's module-level functions: a provider binding module whose
public functions nothing in the tree calls runs only when the developer's code calls them."""

from __future__ import annotations

from pathlib import Path

from .test_reach_factories import _reach


_BINDING = '''\
    from functools import lru_cache

    from anthropic import AsyncAnthropic
    from tenacity import retry, stop_after_attempt


    @lru_cache(maxsize=1)
    def _client(api_key):
        return AsyncAnthropic(api_key=api_key)


    @retry(stop=stop_after_attempt(3))
    async def claude_complete_if_cache(model, prompt, api_key=None):
        client = _client(api_key)
        return await client.messages.create(model=model, messages=[{"role": "user", "content": prompt}])


    async def claude_complete(prompt, **kwargs):
        return await claude_complete_if_cache("claude-3-5-sonnet", prompt, **kwargs)
'''

_SERVER = '''\
    from ragkit.llm.ollama import ollama_complete


    def main():
        print(ollama_complete)
'''


_PYPROJECT = '[project]\nname = "ragkit"\n\n[project.scripts]\nragkit-server = "ragkit.server:main"\n'


def _files(binding: str = _BINDING, **more: str) -> dict[str, str]:
    return {"pyproject.toml": _PYPROJECT, "ragkit/__init__.py": "", "ragkit/llm/__init__.py": "", "ragkit/llm/claude.py": binding,
            "ragkit/llm/ollama.py": "def ollama_complete(prompt):\n    return prompt\n", "ragkit/server.py": _SERVER, **more}


def test_a_library_function_nothing_in_the_tree_calls_is_opt_in_developer_code(tmp_path: Path) -> None:
    found = _reach(tmp_path, _files())
    assert found["api.anthropic.com"] == ("opt-in", ["developer code calling ragkit.llm.claude.claude_complete"])


def test_a_tree_that_declares_no_commands_keeps_its_functions_calls_default(tmp_path: Path) -> None:
    found = _reach(tmp_path, _files(**{"pyproject.toml": '[project]\nname = "ragkit"\n'}))
    assert found["api.anthropic.com"] == ("default", [])


def test_a_library_function_the_tree_imports_keeps_its_calls_default(tmp_path: Path) -> None:
    server = _SERVER + "\n\nfrom ragkit.llm.claude import claude_complete\n"
    found = _reach(tmp_path, _files(**{"ragkit/server.py": server}))
    assert found["api.anthropic.com"] == ("default", [])


def test_a_function_a_decorator_may_register_keeps_its_calls_default(tmp_path: Path) -> None:
    binding = _BINDING.replace("    async def claude_complete(prompt", "    @app.post('/complete')\n    async def claude_complete(prompt")
    binding = "    from fastapi import FastAPI\n\n    app = FastAPI()\n" + binding
    found = _reach(tmp_path, _files(binding))
    assert found["api.anthropic.com"] == ("default", [])


def test_a_function_of_a_file_outside_a_package_keeps_its_calls_default(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"pyproject.toml": _PYPROJECT, "migrations/versions/0001_seed.py": _BINDING})
    assert found["api.anthropic.com"] == ("default", [])
