"""The live tests run against two real agentbus nodes started by PythonClientTest (Java), which
passes their ports and tokens in the environment; without them the tests are skipped saying so."""

import os

import pytest


def env(name: str) -> str:
    v = os.environ.get(name)
    if not v:
        pytest.skip(f"{name} is not set: run through PythonClientTest (mvn test), which starts two nodes")
    return v


@pytest.fixture
def nodes():
    return {
        "ws0": f"ws://127.0.0.1:{env('NODE0_PORT')}/ws",
        "ws1": f"ws://127.0.0.1:{env('NODE1_PORT')}/ws",
        "http0": f"http://127.0.0.1:{env('NODE0_PORT')}",
        "http1": f"http://127.0.0.1:{env('NODE1_PORT')}",
        "user": env("TOKEN_USER"),
        "other": env("TOKEN_OTHER"),
        "agent": env("TOKEN_AGENT"),
        "channel": env("CHANNEL"),
    }
