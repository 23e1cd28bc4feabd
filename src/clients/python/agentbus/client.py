"""The async /ws client (PROTOCOL §3): auth in the first frame, requests answered by id, streams
followed with resume after every reconnect (nothing missed, nothing repeated), reconnects with
backoff and jitter, and an outbox that never sends a request twice when doing it twice would
act twice."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import uuid
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Optional, Union
from urllib.parse import urlencode

from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

from .backoff import delay
from .errors import AgentbusError

log = logging.getLogger("agentbus")

TokenSource = Union[str, Callable[[], Union[str, Awaitable[str]]]]

#: Frames that may be sent again after a drop: reads, idempotent changes, and anything keyed.
RESENDABLE = {"history", "search", "pins", "presence", "reaction", "pin", "read", "ping", "subscribe"}


def resendable(frame: Dict[str, Any]) -> bool:
    return frame.get("type") in RESENDABLE or bool(frame.get("idempotencyKey"))


def new_key() -> str:
    return uuid.uuid4().hex


def stream_of(channel: Optional[str] = None, workflow_id: Optional[str] = None) -> str:
    if channel:
        return "channel:" + channel
    if workflow_id:
        return "workflow:" + workflow_id
    raise ValueError("a stream needs channel or workflow_id")


class Subscription:
    """A followed stream: ``async for event in sub`` yields its events in seq order, across
    reconnects, each once. ``close()`` stops following."""

    def __init__(self, client: "Client", stream: str, frame: Dict[str, Any], last_seq: Optional[int]):
        self._client = client
        self.stream = stream
        self.frame = frame
        self.last_seq = last_seq
        self._queue: asyncio.Queue = asyncio.Queue()
        self.closed = False

    def _deliver(self, f: Dict[str, Any]) -> None:
        seq = f.get("seq")
        if self.last_seq is not None and seq <= self.last_seq:
            return  # a replayed event already seen
        self.last_seq = seq
        if f.get("type") != "subscribed":  # the confirmation says where it stands; it is no event
            self._queue.put_nowait(f)

    def __aiter__(self) -> "Subscription":
        return self

    async def __anext__(self) -> Dict[str, Any]:
        if self.closed and self._queue.empty():
            raise StopAsyncIteration
        f = await self._queue.get()
        if f is None:
            raise StopAsyncIteration
        return f

    async def next(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        return await asyncio.wait_for(self.__anext__(), timeout)

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._queue.put_nowait(None)
            await self._client._unfollow(self)


class _Pending:
    __slots__ = ("frame", "future", "sent")

    def __init__(self, frame: Dict[str, Any], future: asyncio.Future):
        self.frame = frame
        self.future = future
        self.sent = False


class Client:
    """An agentbus /ws connection that stays up.

    ``url`` is ``ws://host:port/ws`` (or a balancer's); ``token`` a JWT or a function (sync or
    async) asked at every connect — after a 4401 (expired) it is asked once more, then
    :meth:`connect`'s waiters and pending requests fail with ``NOT_AUTHENTICATED`` (no loop).
    """

    def __init__(self, url: str, token: TokenSource, session: Optional[str] = None, *,
                 ping_interval: float = 20.0, max_size: int = 4 * 1024 * 1024):
        self.url = url
        self._token = token
        self.session = session or "s-" + new_key()
        self.ping_interval = ping_interval
        self.max_size = max_size
        self.state = "idle"
        self.user: Optional[Dict[str, Any]] = None
        self._ws = None
        self._runner: Optional[asyncio.Task] = None
        self._online = asyncio.Event()
        self._stopped = False
        self._outbox: List[_Pending] = []
        self._pending: Dict[str, _Pending] = {}
        self._subs: Dict[str, List[Subscription]] = {}
        self._handlers: Dict[str, List[Callable[[Dict[str, Any]], Any]]] = {}
        self._seq = 0
        self._attempt = 0
        self._renewing = False
        self._fatal: Optional[AgentbusError] = None

    # ------------------------------------------------------------------ lifecycle

    async def connect(self, timeout: float = 30.0) -> "Client":
        """Starts the connection (kept up until :meth:`close`); returns once signed in."""
        if self._runner is None:
            self._stopped = False
            self._runner = asyncio.get_running_loop().create_task(self._run())
        online = asyncio.ensure_future(self._online.wait())
        done, _ = await asyncio.wait({online, self._runner}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if online not in done:
            online.cancel()
            if self._fatal:
                raise self._fatal
            raise AgentbusError("UNAVAILABLE", f"not signed in within {timeout} s (state {self.state})")
        return self

    async def close(self) -> None:
        self._stopped = True
        if self._ws is not None:
            await self._ws.close(1000, "bye")
        if self._runner is not None:
            self._runner.cancel()
            try:
                await self._runner
            except (asyncio.CancelledError, Exception):
                pass
            self._runner = None
        self._fail_all(AgentbusError("CONNECTION_LOST", "the client was closed"))
        self._set_state("stopped")

    async def __aenter__(self) -> "Client":
        return await self.connect()

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # ------------------------------------------------------------------ API

    def on(self, type_: str, handler: Callable[[Dict[str, Any]], Any]) -> Callable[[], None]:
        """Calls ``handler`` with every frame of ``type_`` (``"*"``: all) and with the client's own
        events ``state`` and ``online``. Returns the function that stops it."""
        self._handlers.setdefault(type_, []).append(handler)
        return lambda: self._handlers.get(type_, []).remove(handler) if handler in self._handlers.get(type_, []) else None

    async def request(self, frame: Dict[str, Any], timeout: Optional[float] = 30.0) -> Dict[str, Any]:
        """Sends a frame with an id; returns its answer, raises :class:`AgentbusError` for an
        ``error`` answer. Held while offline. A request that may not be sent twice and lost its
        connection before the answer raises ``CONNECTION_LOST`` (check whether it took effect)."""
        if self._fatal:
            raise self._fatal
        self._seq += 1
        f = dict(frame)
        f.setdefault("id", f"py{self._seq}-{new_key()[:8]}")
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        entry = _Pending(f, fut)
        self._outbox.append(entry)
        self._pending[f["id"]] = entry
        if self.state == "online":
            await self._write(entry)
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        except asyncio.TimeoutError:
            self._drop(entry)
            raise AgentbusError("UNAVAILABLE", f"no answer to {f.get('type')} within {timeout} s") from None

    async def send(self, frame: Dict[str, Any]) -> None:
        """Fire-and-forget (typing, progress): dropped while offline."""
        if self.state == "online" and self._ws is not None:
            try:
                await self._ws.send(json.dumps(frame))
            except ConnectionClosed:
                pass

    def subscribe(self, channel: Optional[str] = None, workflow_id: Optional[str] = None,
                  last_seq: Optional[int] = None) -> Subscription:
        """Follows a channel or a workflow; with ``last_seq`` the events after it are replayed
        first. The subscription resumes by itself after reconnects."""
        stream = stream_of(channel, workflow_id)
        frame = {"channel": channel} if channel else {"workflowId": workflow_id}
        sub = Subscription(self, stream, frame, last_seq)
        self._subs.setdefault(stream, []).append(sub)
        if self.state == "online":
            asyncio.get_running_loop().create_task(self._subscribe(sub))
        return sub

    async def post(self, channel: str, content: str, **extra: Any) -> Dict[str, Any]:
        """Posts to a channel; safe to resend (its idempotency key stores it once). Returns the ack."""
        return await self.request({"type": "chat", "channel": channel, "content": content,
                                   "idempotencyKey": extra.pop("idempotency_key", None) or new_key(), **extra})

    async def history(self, channel: str, **page: Any) -> Dict[str, Any]:
        return await self.request({"type": "history", "channel": channel, **page})

    async def start_workflow(self, content: str, workflow: Optional[str] = None,
                             attachments: Optional[List[str]] = None) -> Dict[str, Any]:
        f: Dict[str, Any] = {"type": "user_input", "content": content}
        if workflow:
            f["workflow"] = workflow
        if attachments:
            f["attachments"] = attachments
        return await self.request(f)

    async def cancel(self, workflow_id: str) -> Dict[str, Any]:
        return await self.request({"type": "cancel", "workflowId": workflow_id})

    async def respond(self, approval_id: str, approved: bool, feedback: Optional[str] = None) -> Dict[str, Any]:
        f: Dict[str, Any] = {"type": "approval_response", "approvalId": approval_id, "approved": approved}
        if feedback:
            f["feedback"] = feedback
        return await self.request(f)

    # ------------------------------------------------------------------ the connection

    async def _token_now(self) -> Optional[str]:
        t = self._token() if callable(self._token) else self._token
        if inspect.isawaitable(t):
            t = await t
        return t

    async def _run(self) -> None:
        while not self._stopped:
            code = None
            try:
                token = await self._token_now()
                if not token:
                    raise AgentbusError("NOT_AUTHENTICATED", "no token")
                self._set_state("reconnecting" if self._attempt else "connecting")
                q = urlencode({"session": self.session})
                async with ws_connect(f"{self.url}?{q}", max_size=self.max_size, open_timeout=10,
                                      ping_interval=self.ping_interval) as ws:
                    self._ws = ws
                    await ws.send(json.dumps({"type": "auth", "id": "auth", "token": token}))
                    async for text in ws:
                        await self._on_text(text)
                code = ws.close_code
            except ConnectionClosed as e:
                code = e.rcvd.code if e.rcvd else None
            except AgentbusError as e:
                if e.code == "NOT_AUTHENTICATED":
                    code = 4401
                else:
                    log.warning("agentbus: %s", e)
            except (OSError, asyncio.TimeoutError) as e:
                log.info("agentbus: connect failed: %s", e)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # a bug in a handler must not end the connection loop
                log.exception("agentbus: connection error: %s", e)
            finally:
                self._ws = None
                self._online.clear()
            if self._stopped:
                return
            self._on_dropped()
            if code == 4401:
                if self._renewing:
                    self._fatal = AgentbusError("NOT_AUTHENTICATED", "the token was refused (and a fresh one too)")
                    self._fail_all(self._fatal)
                    self._set_state("signed-out")
                    return
                self._renewing = True
                continue  # ask the token source once more, at once
            if code == 4403:
                self.session = "s-" + new_key()  # the session is someone else's: a new one
                continue
            wait = 0.1 if code == 1012 else delay(self._attempt)
            self._attempt += 1
            self._set_state("reconnecting")
            await asyncio.sleep(wait)

    async def _on_text(self, text: str) -> None:
        try:
            f = json.loads(text)
        except ValueError:
            return
        if f.get("replyTo") == "auth":
            if f.get("type") == "auth_response" and f.get("success"):
                await self._on_auth(f)
            elif f.get("code") == "NOT_AUTHENTICATED" or f.get("type") == "auth_response":
                raise AgentbusError("NOT_AUTHENTICATED", f.get("error") or "auth refused")
            return
        stream, seq = f.get("stream"), f.get("seq")
        if stream and isinstance(seq, int):
            for sub in list(self._subs.get(stream, [])):
                sub._deliver(f)
        rid = f.get("replyTo")
        if rid is not None and rid in self._pending:
            entry = self._pending.pop(rid)
            if entry in self._outbox:
                self._outbox.remove(entry)
            if not entry.future.done():
                if f.get("type") == "error":
                    entry.future.set_exception(AgentbusError(f.get("code", "INTERNAL_ERROR"), f.get("error", ""), body=f))
                else:
                    entry.future.set_result(f)
        self._emit(f.get("type"), f)

    async def _on_auth(self, f: Dict[str, Any]) -> None:
        self._attempt = 0
        self._renewing = False
        self.session = f.get("sessionId") or self.session
        self.user = {"userId": f.get("userId"), "roles": f.get("roles", [])}
        self._set_state("online")
        for subs in self._subs.values():
            for sub in subs:
                await self._subscribe(sub)
        for entry in list(self._outbox):
            await self._write(entry)
        self._online.set()
        self._emit("online", f)

    async def _subscribe(self, sub: Subscription) -> None:
        f = {"type": "subscribe", **sub.frame}
        if sub.last_seq is not None:
            f["lastSeq"] = sub.last_seq
        await self.send(f)

    async def _unfollow(self, sub: Subscription) -> None:
        subs = self._subs.get(sub.stream, [])
        if sub in subs:
            subs.remove(sub)
        if not subs:
            self._subs.pop(sub.stream, None)
            await self.send({"type": "unsubscribe", **sub.frame})

    async def _write(self, entry: _Pending) -> None:
        entry.sent = True
        if self._ws is not None:
            try:
                await self._ws.send(json.dumps(entry.frame))
            except ConnectionClosed:
                pass

    def _on_dropped(self) -> None:
        for entry in list(self._outbox):
            if entry.sent and not resendable(entry.frame):
                self._drop(entry)
                if not entry.future.done():
                    entry.future.set_exception(AgentbusError(
                        "CONNECTION_LOST", "the connection dropped before the answer: check whether it took effect"))
        for entry in self._outbox:
            entry.sent = False

    def _drop(self, entry: _Pending) -> None:
        if entry in self._outbox:
            self._outbox.remove(entry)
        self._pending.pop(entry.frame["id"], None)

    def _fail_all(self, err: AgentbusError) -> None:
        for entry in list(self._outbox):
            self._drop(entry)
            if not entry.future.done():
                entry.future.set_exception(err)

    def _set_state(self, s: str) -> None:
        if self.state != s:
            self.state = s
            self._emit("state", s)

    def _emit(self, type_: Optional[str], value: Any) -> None:
        for key in (type_, "*") if type_ not in ("state", "online") else (type_,):
            for h in list(self._handlers.get(key or "", [])):
                try:
                    r = h(value)
                    if inspect.isawaitable(r):
                        asyncio.ensure_future(r)
                except Exception:
                    log.exception("agentbus: a %s handler failed", key)
