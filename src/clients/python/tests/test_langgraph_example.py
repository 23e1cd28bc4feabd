"""The LangGraph example runs offline (its ScriptedModel stands in for an LLM)."""

import importlib.util
import pathlib

import pytest

pytest.importorskip("langgraph", reason="langgraph is not installed (pip install -e '.[langgraph]'; .ci/run does)")

spec = importlib.util.spec_from_file_location(
    "langgraph_worker", pathlib.Path(__file__).parent.parent / "examples" / "langgraph_worker.py")
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)


async def test_the_graph_plans_drafts_and_reviews_streaming_every_token():
    seen = []

    async def emit(node, tok):
        seen.append(node)

    final = await example.build_graph(example.ScriptedModel(delay=0), emit).ainvoke({"request": "summarise the logs"})
    assert final["plan"].startswith("Plan: summarise the logs")
    assert final["review"].startswith("Reviewed: Draft following the plan")
    assert seen[0] == "plan" and seen[-1] == "review" and "draft" in seen
