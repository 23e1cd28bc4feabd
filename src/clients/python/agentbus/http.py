"""HTTP for backends (PROTOCOL §12): writes with an Idempotency-Key (retried safely, on any node),
streams read by cursor, and followed as server-sent events that resume with Last-Event-ID."""

from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator, Dict, List, Optional
from urllib.parse import quote

import httpx

from .backoff import delay
from .client import new_key
from .errors import AgentbusError


class HttpClient:
    """``base_url`` is the node's (or balancer's) ``http://host:port``; ``token`` a JWT.

    Writes carry an ``Idempotency-Key`` (a fresh one unless given) and are retried on 429 (after
    ``Retry-After``), 503 and dropped connections: the key makes a retry change nothing twice.
    """

    def __init__(self, base_url: str, token: str, *, retries: int = 4, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout,
                                       headers={"Authorization": f"Bearer {token}"})

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "HttpClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def _call(self, method: str, path: str, body: Any = None, key: Optional[str] = None,
                    params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        headers = {"Idempotency-Key": key} if key else {}
        attempt = 0
        while True:
            try:
                r = await self._http.request(method, path, json=body, params=params, headers=headers)
            except httpx.TransportError as e:
                if attempt >= self.retries or (method != "GET" and not key):
                    raise AgentbusError("UNAVAILABLE", f"{method} {path}: {e}") from e
                await asyncio.sleep(delay(attempt))
                attempt += 1
                continue
            if r.status_code in (429, 503) and attempt < self.retries and (method == "GET" or key):
                after = r.headers.get("Retry-After")
                await asyncio.sleep(float(after) if after and after.isdigit() else delay(attempt))
                attempt += 1
                continue
            data = r.json() if r.content else {}
            if r.status_code >= 400:
                raise AgentbusError(data.get("code", "INTERNAL_ERROR"), data.get("message", r.text), r.status_code, data)
            return data

    # -------------------------------------------------------------- writes

    async def post_message(self, channel: str, content: str, *, idempotency_key: Optional[str] = None,
                           **extra: Any) -> Dict[str, Any]:
        """201 {messageId, stream, seq}."""
        return await self._call("POST", f"/api/channels/{quote(channel)}/messages", {"content": content, **extra},
                                idempotency_key or new_key())

    async def start_workflow(self, content: str, workflow: Optional[str] = None, session_id: Optional[str] = None,
                             attachments: Optional[List[str]] = None, *, idempotency_key: Optional[str] = None
                             ) -> Dict[str, Any]:
        """201 {workflowId, sessionId, workflowName, stream}; the key also names the workflow."""
        body: Dict[str, Any] = {"content": content}
        for k, v in (("workflow", workflow), ("sessionId", session_id), ("attachments", attachments)):
            if v:
                body[k] = v
        return await self._call("POST", "/api/workflows", body, idempotency_key or new_key())

    async def cancel(self, workflow_id: str, *, idempotency_key: Optional[str] = None) -> Dict[str, Any]:
        return await self._call("POST", f"/api/workflows/{quote(workflow_id)}/cancel", {}, idempotency_key or new_key())

    async def pause(self, workflow_id: str, *, idempotency_key: Optional[str] = None) -> Dict[str, Any]:
        return await self._call("POST", f"/api/workflows/{quote(workflow_id)}/pause", {}, idempotency_key or new_key())

    async def resume(self, workflow_id: str, *, idempotency_key: Optional[str] = None) -> Dict[str, Any]:
        return await self._call("POST", f"/api/workflows/{quote(workflow_id)}/resume", {}, idempotency_key or new_key())

    async def create_channel(self, name: str, description: Optional[str] = None) -> Dict[str, Any]:
        body = {"name": name, **({"description": description} if description else {})}
        return await self._call("POST", "/api/channels", body, new_key())

    async def respond(self, approval_id: str, approved: bool, feedback: Optional[str] = None) -> Dict[str, Any]:
        body: Dict[str, Any] = {"approved": approved, **({"feedback": feedback} if feedback else {})}
        return await self._call("POST", f"/api/approvals/{quote(approval_id)}", body, new_key())

    # -------------------------------------------------------------- reads

    async def history(self, channel: str, **page: Any) -> Dict[str, Any]:
        return await self._call("GET", f"/api/channels/{quote(channel)}/messages", params=page or None)

    async def workflow(self, workflow_id: str) -> Dict[str, Any]:
        return await self._call("GET", f"/api/workflows/{quote(workflow_id)}")

    async def approvals(self, status: str = "pending") -> List[Dict[str, Any]]:
        return (await self._call("GET", "/api/approvals", params={"status": status})).get("approvals", [])

    async def events(self, stream: str, after: int = 0, limit: int = 100) -> Dict[str, Any]:
        """One page: {events, lastSeq, hasMore}; the next page starts after ``lastSeq``."""
        return await self._call("GET", f"/api/streams/{quote(stream, safe='')}/events",
                                params={"after": after, "limit": limit})

    async def all_events(self, stream: str, after: int = 0) -> AsyncIterator[Dict[str, Any]]:
        """Every stored event after ``after``, page by page."""
        while True:
            page = await self.events(stream, after, 500)
            for e in page["events"]:
                yield e
            after = page["lastSeq"]
            if not page["hasMore"]:
                return

    async def follow(self, stream: str, after: Optional[int] = None) -> AsyncIterator[Dict[str, Any]]:
        """The stream's events as server-sent events, from after ``after`` (None: from now), then
        live — reconnecting with ``Last-Event-ID`` (to any node) when the connection drops, so
        each event comes once, in order."""
        last = after
        attempt = 0
        while True:
            headers = {"Accept": "text/event-stream"}
            params = {}
            if last is not None:
                headers["Last-Event-ID"] = str(last)
            try:
                async with self._http.stream("GET", f"/api/streams/{quote(stream, safe='')}/events", headers=headers,
                                             params=params, timeout=httpx.Timeout(10.0, read=None)) as r:
                    if r.status_code >= 400:
                        body = json.loads(await r.aread() or b"{}")
                        raise AgentbusError(body.get("code", "INTERNAL_ERROR"), body.get("message", ""), r.status_code, body)
                    attempt = 0
                    data: List[str] = []
                    event_id: Optional[str] = None
                    async for line in r.aiter_lines():
                        if line == "":
                            if data:
                                e = json.loads("\n".join(data))
                                seq = e.get("seq")
                                if event_id is not None and isinstance(seq, int):
                                    if last is not None and seq <= last:
                                        data, event_id = [], None
                                        continue
                                    last = seq
                                yield e
                            data, event_id = [], None
                        elif line.startswith(":"):
                            continue
                        elif line.startswith("id:"):
                            event_id = line[3:].strip()
                        elif line.startswith("data:"):
                            data.append(line[5:].lstrip(" ") if line.startswith("data: ") else line[5:])
            except (httpx.TransportError, httpx.RemoteProtocolError):
                pass
            await asyncio.sleep(delay(attempt))
            attempt += 1
