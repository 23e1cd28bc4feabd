"""The agent-worker kit: serve a role with one decorated async function.

    worker = Worker("ws://127.0.0.1:8080/ws", token)

    @worker.role("research")
    async def research(task: Task) -> dict:
        await task.progress(0.1, "Reading the request")
        async for chunk in model.stream(task.content):
            await task.token(chunk)          # streams into agent_progress.partialOutput
        return {"summary": task.partial}

    asyncio.run(worker.run())

The worker registers its roles, takes tasks (up to ``capacity`` at once), reports progress,
tokens and thinking, may stop for a human decision (:meth:`Task.request_approval`), returns
outputs (``task_result``, keyed by the task so a resend after a reconnect counts once) or raises (``task_failed``; :class:`Retryable` says a retry may work). A
``task_cancel`` from agentbus (the workflow was cancelled, the deadline passed) arrives in the
function as ``asyncio.CancelledError``. It reconnects and registers again with backoff; a task
running when its connection dropped is cancelled too — agentbus has already given it to the
next attempt.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional

from .client import Client, TokenSource

log = logging.getLogger("agentbus.worker")

Handler = Callable[["Task"], Awaitable[Any]]


class Retryable(Exception):
    """Raise from a role function when another attempt may succeed (a rate limit, a timeout)."""


class Task:
    """One task given to this worker: the request, the files' extracted text, earlier agents'
    outputs, the reviewer's feedback and the session's mode. Report with :meth:`progress`,
    :meth:`token` and :meth:`think`."""

    def __init__(self, worker: "Worker", frame: Dict[str, Any]):
        self._worker = worker
        self.frame = frame
        self.task_id: str = frame["taskId"]
        self.workflow_id: Optional[str] = frame.get("workflowId")
        self.role: str = frame.get("agentRole", "")
        self.attempt: int = frame.get("attempt", 1)
        self.deadline: Optional[str] = frame.get("deadline")
        inp = frame.get("input") or {}
        self.input: Dict[str, Any] = inp
        self.content: str = inp.get("content", "")
        self.attachments: List[Dict[str, Any]] = inp.get("attachments") or []
        self.previous_outputs: Dict[str, Any] = inp.get("previousOutputs") or {}
        self.feedback: Optional[str] = inp.get("feedback")
        self.mode: Optional[str] = inp.get("mode")
        self.partial = ""
        self.thinking = ""
        # How much of each has been sent: a progress frame carries only what is new since the last
        # (agent_progress.partialOutput is a delta, as every client appends it).
        self._partial_sent = 0
        self._thinking_sent = 0
        self._progress = 0.0
        self._last_sent = 0.0

    @property
    def files_text(self) -> str:
        """The attached files' extracted text, one after another with their names."""
        return "\n\n".join(f"# {a.get('originalName', a.get('fileId'))}\n{a.get('text') or ''}"
                           for a in self.attachments if a.get("text"))

    async def progress(self, progress: float, current_task: Optional[str] = None,
                       partial_output: Optional[str] = None, thinking: Optional[str] = None) -> None:
        """Reports progress (0..1, never going back), what it is doing, and optionally the output
        so far and its thinking; shown live in every client as agent_progress. Only what extends
        the text already sent is streamed; a rewrite shows in the final outputs."""
        self._progress = max(self._progress, min(1.0, max(0.0, progress)))
        if partial_output is not None:
            if not partial_output.startswith(self.partial[:self._partial_sent]):
                self._partial_sent = len(partial_output)
            self.partial = partial_output
        if thinking is not None:
            if not thinking.startswith(self.thinking[:self._thinking_sent]):
                self._thinking_sent = len(thinking)
            self.thinking = thinking
        await self._send(current_task)

    async def token(self, text: str, current_task: Optional[str] = None) -> None:
        """Appends streamed model output; sent at most every 100 ms (the last one always lands)."""
        self.partial += text
        if time.monotonic() - self._last_sent >= 0.1:
            await self._send(current_task)

    async def think(self, text: str) -> None:
        """Appends to the agent's visible thinking."""
        self.thinking += text
        if time.monotonic() - self._last_sent >= 0.1:
            await self._send(None)

    async def request_approval(self, title: str, description: Optional[str] = None, *,
                               timeout_minutes: Optional[int] = None, required_by: Optional[str] = None
                               ) -> Dict[str, Any]:
        """Stops for a human decision: a gate on this task's step, announced to the approvers like any
        gate (``approval_required``; decided in the web UI, over HTTP or /ws). Returns the outcome —
        ``{"status": "approved"|"rejected"|"expired", "feedback", "modifications", "decidedBy"}`` —
        once decided or expired (``timeout_minutes``, default 30). ``required_by``: ``owner``
        (default), ``approver``, ``admin`` or ``user:<id>``."""
        f: Dict[str, Any] = {"type": "task_approval", "taskId": self.task_id, "title": title}
        if description:
            f["description"] = description
        if timeout_minutes:
            f["timeoutMinutes"] = timeout_minutes
        if required_by:
            f["requiredBy"] = required_by
        await self._send("Waiting for a decision: " + title)
        return await self._worker.client.request(f, timeout=None)

    async def _send(self, current_task: Optional[str]) -> None:
        self._last_sent = time.monotonic()
        f: Dict[str, Any] = {"type": "task_progress", "taskId": self.task_id, "progress": self._progress}
        if current_task:
            f["currentTask"] = current_task
        # At most 16 000 characters of each per frame (the server's bound); more goes in later frames.
        if len(self.partial) > self._partial_sent:
            f["partialOutput"] = self.partial[self._partial_sent:self._partial_sent + 16000]
            self._partial_sent += len(f["partialOutput"])
        if len(self.thinking) > self._thinking_sent:
            f["thinkingProcess"] = self.thinking[self._thinking_sent:self._thinking_sent + 16000]
            self._thinking_sent += len(f["thinkingProcess"])
        await self._worker.client.send(f)


class Worker:
    """Serves roles over one agentbus connection (a token with role ``agent``)."""

    def __init__(self, url: str, token: TokenSource, *, capacity: int = 1, client: Optional[Client] = None):
        self.client = client or Client(url, token)
        self.capacity = capacity
        self.roles: Dict[str, Handler] = {}
        self.running: Dict[str, asyncio.Task] = {}
        self.registered = asyncio.Event()
        self._done = asyncio.Event()
        self.client.on("task", self._on_task)
        self.client.on("task_cancel", self._on_cancel)
        self.client.on("online", self._on_online)
        self.client.on("state", self._on_state)

    def role(self, name: str) -> Callable[[Handler], Handler]:
        """Registers the decorated async function as the agent of role ``name``."""
        def deco(fn: Handler) -> Handler:
            if not inspect.iscoroutinefunction(fn):
                raise TypeError(f"the {name} role needs an async function")
            self.roles[name] = fn
            return fn
        return deco

    async def start(self) -> None:
        """Connects and registers; returns once the roles are served."""
        if not self.roles:
            raise ValueError("no roles: decorate a function with @worker.role(name)")
        await self.client.connect()
        await asyncio.wait_for(self.registered.wait(), 30)

    async def run(self) -> None:
        """Serves until :meth:`stop` (or the process ends)."""
        await self.start()
        await self._done.wait()

    async def stop(self) -> None:
        for t in list(self.running.values()):
            t.cancel()
        await self.client.close()
        self._done.set()

    async def _on_online(self, _f: Dict[str, Any]) -> None:
        self.registered.clear()
        try:
            ack = await self.client.request({"type": "agent_register", "roles": sorted(self.roles),
                                             "capacity": self.capacity})
            log.info("agentbus worker %s serves %s", ack.get("workerId"), ack.get("roles"))
            self.registered.set()
        except Exception as e:
            log.error("agentbus worker: registration refused: %s", e)

    def _on_state(self, state: str) -> None:
        if state != "online":
            # Its tasks were reported lost when the connection went: the next attempt runs elsewhere.
            for t in list(self.running.values()):
                t.cancel()

    def _on_task(self, f: Dict[str, Any]) -> None:
        task = Task(self, f)
        fn = self.roles.get(task.role)
        if fn is None:
            asyncio.ensure_future(self._fail(task, f"this worker does not serve {task.role}", False))
            return
        self.running[task.task_id] = asyncio.ensure_future(self._serve(fn, task))

    def _on_cancel(self, f: Dict[str, Any]) -> None:
        t = self.running.get(f.get("taskId"))
        if t is not None:
            t.cancel()

    async def _serve(self, fn: Handler, task: Task) -> None:
        try:
            out = await fn(task)
            if task.partial and task._last_sent and task._progress < 1.0:
                await task.progress(1.0, "Done")
            outputs = out if isinstance(out, dict) else {"output": out}
            await self.client.request({"type": "task_result", "taskId": task.task_id, "outputs": outputs,
                                       "idempotencyKey": task.task_id})
        except asyncio.CancelledError:
            log.info("task %s cancelled", task.task_id)
        except Retryable as e:
            await self._fail(task, str(e), True)
        except Exception as e:
            log.exception("task %s failed", task.task_id)
            await self._fail(task, f"{type(e).__name__}: {e}", False)
        finally:
            self.running.pop(task.task_id, None)

    async def _fail(self, task: Task, error: str, recoverable: bool) -> None:
        try:
            await self.client.request({"type": "task_failed", "taskId": task.task_id, "error": error[:2000],
                                       "recoverable": recoverable})
        except Exception as e:
            log.warning("task %s: the failure could not be reported: %s", task.task_id, e)
