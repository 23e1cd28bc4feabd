"""agentbus for Python: an async client (channels, history, workflows, approvals, streams by
cursor) and an agent-worker kit (serve a role with one decorated function).

    from agentbus import Client, HttpClient, Worker
"""

from .errors import AgentbusError
from .client import Client
from .http import HttpClient
from .worker import Worker, Task

__all__ = ["AgentbusError", "Client", "HttpClient", "Worker", "Task"]
__version__ = "0.1.0"
