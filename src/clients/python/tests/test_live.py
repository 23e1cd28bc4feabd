"""The Python client and worker kit against two real nodes (PROTOCOL §3, §12)."""

import asyncio

import pytest

from agentbus import AgentbusError, Client, HttpClient, Task, Worker


async def test_a_reader_resumes_on_the_other_node_with_nothing_missed(nodes):
    ch = nodes["channel"]
    async with HttpClient(nodes["http1"], nodes["user"]) as http:
        reader = await Client(nodes["ws0"], nodes["user"]).connect()
        sub = reader.subscribe(channel=ch)
        await asyncio.sleep(0.3)
        first = [await http.post_message(ch, f"one {i}") for i in range(3)]
        got = [(await sub.next(10))["seq"] for _ in range(3)]
        assert got == [a["seq"] for a in first]
        await reader.close()
        missed = [await http.post_message(ch, f"two {i}") for i in range(3)]
        again = await Client(nodes["ws1"], nodes["user"]).connect()
        sub2 = again.subscribe(channel=ch, last_seq=got[-1])
        resumed = [(await sub2.next(10))["seq"] for _ in range(3)]
        assert resumed == [m["seq"] for m in missed]
        with pytest.raises(asyncio.TimeoutError):
            await sub2.next(0.5)  # nothing repeated
        await again.close()


async def test_a_keyed_post_is_stored_once_and_a_refusal_carries_its_code(nodes):
    ch = nodes["channel"]
    async with HttpClient(nodes["http0"], nodes["user"]) as a, HttpClient(nodes["http1"], nodes["user"]) as b:
        one = await a.post_message(ch, "once", idempotency_key="py-key-1")
        two = await b.post_message(ch, "once", idempotency_key="py-key-1")
        assert one == two
        with pytest.raises(AgentbusError) as e:
            await b.post_message(ch, "another body", idempotency_key="py-key-1")
        assert e.value.code == "CONFLICT" and e.value.status == 409
        with pytest.raises(AgentbusError) as e:
            await a.events("channel:" + ch, after=-1)
        assert e.value.code == "INVALID_MESSAGE"
        with pytest.raises(AgentbusError) as e:
            await a.post_message("no-such-channel-x", "hi")
        assert e.value.code == "NOT_FOUND"


async def test_the_ws_client_posts_and_answers_errors_by_id(nodes):
    async with Client(nodes["ws0"], nodes["user"]) as c:
        ack = await c.post(nodes["channel"], "from the ws client")
        assert ack["type"] == "ack" and ack["seq"] > 0
        with pytest.raises(AgentbusError) as e:
            await c.history("no-such-channel-y")
        assert e.value.code == "NOT_FOUND"


async def test_server_sent_events_are_followed_from_a_cursor(nodes):
    ch = nodes["channel"]
    async with HttpClient(nodes["http0"], nodes["user"]) as http:
        page = await http.events("channel:" + ch, after=0, limit=500)
        start = page["lastSeq"]
        posted = [await http.post_message(ch, f"sse {i}") for i in range(3)]
        seen = []
        async for e in http.follow("channel:" + ch, after=start):
            seen.append(e["seq"])
            if len(seen) == 3:
                break
        assert seen == [p["seq"] for p in posted]


async def test_a_worker_serves_a_role_streaming_tokens_and_returning_outputs(nodes):
    worker = Worker(nodes["ws1"], nodes["agent"])

    @worker.role("code")
    async def code(task: Task) -> dict:
        await task.progress(0.2, "Reading the request")
        for word in ["def ", "parse", "():", " ..."]:
            await task.token(word)
            await asyncio.sleep(0.12)
        return {"code": task.partial, "asked": task.content}

    await worker.start()
    try:
        async with HttpClient(nodes["http0"], nodes["user"]) as http:
            wf = await http.start_workflow("write a parser", workflow="single")
            events = await _until_end(http, wf["workflowId"])
        types = [e["type"] for e in events]
        assert types[-1] == "workflow_completed", types
        done = next(e for e in events if e["type"] == "agent_completed")
        assert done["outputs"] == {"code": "def parse(): ...", "asked": "write a parser"}
        partial = [e.get("partialOutput") for e in events if e["type"] == "agent_progress" and e.get("partialOutput")]
        # Each progress frame carried what was new: together they are the streamed text.
        assert len(partial) >= 2 and "".join(partial) == "def parse(): ...", partial
    finally:
        await worker.stop()


async def test_a_cancelled_workflow_cancels_the_workers_task(nodes):
    worker = Worker(nodes["ws0"], nodes["agent"])
    started, cancelled = asyncio.Event(), asyncio.Event()

    @worker.role("code")
    async def code(task: Task) -> dict:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return {}

    await worker.start()
    try:
        async with HttpClient(nodes["http1"], nodes["user"]) as http:
            wf = await http.start_workflow("take your time", workflow="single")
            await asyncio.wait_for(started.wait(), 15)
            answer = await http.cancel(wf["workflowId"])
            assert answer["status"] == "cancelled"
            await asyncio.wait_for(cancelled.wait(), 10)
    finally:
        await worker.stop()


async def _until_end(http: HttpClient, workflow_id: str, seconds: float = 30):
    loop = asyncio.get_running_loop()
    until = loop.time() + seconds
    while loop.time() < until:
        events = [e async for e in http.all_events("workflow:" + workflow_id)]
        if events and events[-1]["type"] in ("workflow_completed", "workflow_failed", "cancelled"):
            return events
        await asyncio.sleep(0.3)
    raise AssertionError(f"workflow {workflow_id} did not end in {seconds} s")


async def test_a_worker_serves_a_role_no_node_was_configured_for(nodes):
    """No node restart: once a worker registers for 'scribe' (in no workflows file), @scribe and
    /assign scribe reach it."""
    worker = Worker(nodes["ws0"], nodes["agent"])

    @worker.role("scribe")
    async def scribe(task: Task) -> dict:
        await task.token("noted: ")
        await task.token(task.content)
        return {"text": "noted: " + task.content}

    ch = nodes["channel"]
    await worker.start()
    try:
        async with Client(nodes["ws1"], nodes["user"]) as c:
            sub = c.subscribe(channel=ch)
            await asyncio.sleep(0.3)
            await c.post(ch, "@scribe the meeting moved to 3pm")
            # The answer is in the channel at once, "streaming", then grows (PROTOCOL §7.1): each
            # message_updated has the whole text so far, the last one is "complete".
            answer, texts = None, []
            while not texts or texts[-1][1] == "streaming":
                e = await sub.next(15)
                if e.get("type") == "message" and e.get("authorId") == "scribe":
                    answer = e
                elif answer and e.get("type") == "message_updated" and e.get("messageId") == answer["messageId"]:
                    texts.append((e["content"], e["status"]))
            assert answer["authorType"] == "agent" and answer["status"] == "streaming"
            assert texts[-1] == ("noted: @scribe the meeting moved to 3pm", "complete")
            assert all(b.startswith(a) for (a, _), (b, _) in zip(texts, texts[1:])), texts

            result = await c.post(ch, '/assign scribe "tidy the notes"')
            assert result["type"] == "command_result" and result.get("ok", True), result
            wf_id = result.get("workflowId") or (result.get("data") or {}).get("workflowId")
            assert wf_id, result
        async with HttpClient(nodes["http0"], nodes["user"]) as http:
            events = await _until_end(http, wf_id)
        assert events[-1]["type"] == "workflow_completed", [e["type"] for e in events]
        done = next(e for e in events if e["type"] == "agent_completed")
        assert done["agentRole"] == "scribe" and done["outputs"] == {"text": "noted: tidy the notes"}
    finally:
        await worker.stop()
    # With the worker gone the role is unknown again: /assign says so.
    async with Client(nodes["ws1"], nodes["user"]) as c:
        gone = await c.post(ch, '/assign scribe "anyone there?"')
        assert gone.get("ok") is False or gone["type"] == "error", gone


async def test_a_worker_stops_for_a_human_decision_and_gets_it(nodes):
    worker = Worker(nodes["ws1"], nodes["agent"])

    @worker.role("code")
    async def code(task: Task) -> dict:
        decision = await task.request_approval("Deploy to staging?", "the build is green", timeout_minutes=5)
        return {"deployed": decision["status"] == "approved", "note": decision.get("feedback")}

    await worker.start()
    try:
        async with HttpClient(nodes["http0"], nodes["user"]) as http:
            wf = await http.start_workflow("ship the fix", workflow="single")
            approval = None
            for _ in range(100):
                pending = [a for a in await http.approvals("pending") if a.get("workflowId") == wf["workflowId"]]
                if pending:
                    approval = pending[0]
                    break
                await asyncio.sleep(0.1)
            assert approval is not None, "the worker's question reached the owner's approvals"
            assert approval["title"] == "Deploy to staging?"
            await http.respond(approval["approvalId"], True, "go ahead")
            events = await _until_end(http, wf["workflowId"])
        types = [e["type"] for e in events]
        assert "approval_required" in types and "approval_resolved" in types, types
        done = next(e for e in events if e["type"] == "agent_completed")
        assert done["outputs"] == {"deployed": True, "note": "go ahead"}
        assert types[-1] == "workflow_completed"
    finally:
        await worker.stop()


async def test_a_worker_takes_over_a_role_the_file_gives_to_a_scripted_agent(nodes):
    """'design' is scripted in the nodes' workflows file: while a worker serves it, the worker plays it."""
    async with Client(nodes["ws0"], nodes["user"]) as c, HttpClient(nodes["http0"], nodes["user"]) as http:
        before = await c.post(nodes["channel"], '/assign design "sketch it"')
        scripted = await _until_end(http, before["data"]["workflowId"])
        assert next(e for e in scripted if e["type"] == "agent_completed")["outputs"] != {"by": "worker"}

        worker = Worker(nodes["ws1"], nodes["agent"])

        @worker.role("design")
        async def design(task: Task) -> dict:
            return {"by": "worker"}

        await worker.start()
        try:
            await asyncio.sleep(2.5)  # the orchestrators look at their roles every 2 s
            after = await c.post(nodes["channel"], '/assign design "sketch it again"')
            events = await _until_end(http, after["data"]["workflowId"])
            assert next(e for e in events if e["type"] == "agent_completed")["outputs"] == {"by": "worker"}
        finally:
            await worker.stop()
