"""Serve an agentbus role with a LangGraph graph.

    python examples/langgraph_worker.py --url ws://127.0.0.1:8080/ws --token "$AGENT_TOKEN" --role research

The graph plans, drafts and reviews; each node's tokens stream into the step's live output in
every agentbus client, and the graph's final state is the step's outputs. The model is a
ScriptedModel, so this runs without an LLM or an API key; put a real chat model (anything with an
async token stream) in its place.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import AsyncIterator, Awaitable, Callable, Optional, TypedDict

from langgraph.graph import END, START, StateGraph

from agentbus import Task, Worker


class ScriptedModel:
    """Stands in for an LLM: streams a canned answer word by word."""

    def __init__(self, delay: float = 0.02):
        self.delay = delay

    async def stream(self, instruction: str, text: str) -> AsyncIterator[str]:
        answer = f"{instruction}: {text.strip()[:200]}"
        for word in answer.split(" "):
            await asyncio.sleep(self.delay)
            yield word + " "


class State(TypedDict, total=False):
    request: str
    plan: str
    draft: str
    review: str


Emit = Callable[[str, str], Awaitable[None]]


def build_graph(model: ScriptedModel, emit: Optional[Emit] = None):
    """plan → draft → review; ``emit(node, token)`` sees every token as it is made."""

    async def run(node: str, instruction: str, text: str) -> str:
        out = ""
        async for tok in model.stream(instruction, text):
            out += tok
            if emit:
                await emit(node, tok)
        return out.strip()

    async def plan(s: State) -> State:
        return {"plan": await run("plan", "Plan", s["request"])}

    async def draft(s: State) -> State:
        return {"draft": await run("draft", "Draft following the plan", s["plan"])}

    async def review(s: State) -> State:
        return {"review": await run("review", "Reviewed", s["draft"])}

    g = StateGraph(State)
    g.add_node("plan", plan)
    g.add_node("draft", draft)
    g.add_node("review", review)
    g.add_edge(START, "plan")
    g.add_edge("plan", "draft")
    g.add_edge("draft", "review")
    g.add_edge("review", END)
    return g.compile()


def serve(worker: Worker, role: str, model: Optional[ScriptedModel] = None) -> None:
    """Registers ``role`` on ``worker``, played by the graph."""
    model = model or ScriptedModel()
    steps = {"plan": 0.1, "draft": 0.4, "review": 0.8}

    @worker.role(role)
    async def play(task: Task) -> dict:
        async def emit(node: str, tok: str) -> None:
            if task._progress < steps[node]:
                await task.progress(steps[node], f"{node}…")
            await task.token(tok)

        request = task.content + ("\n\n" + task.files_text if task.files_text else "")
        if task.feedback:
            request += f"\n\nReviewer's feedback: {task.feedback}"
        final = await build_graph(model, emit).ainvoke({"request": request})
        return {"plan": final["plan"], "draft": final["draft"], "review": final["review"]}


async def main() -> None:
    p = argparse.ArgumentParser(description="Serve an agentbus role with a LangGraph graph")
    p.add_argument("--url", default="ws://127.0.0.1:8080/ws")
    p.add_argument("--token", required=True, help="a token with role agent (agentbus token --roles agent)")
    p.add_argument("--role", default="research")
    a = p.parse_args()
    worker = Worker(a.url, a.token)
    serve(worker, a.role)
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main())
