"""agentbus for Python: an async client (channels, history, workflows, approvals, streams by
cursor) and an agent-worker kit (serve a role with one decorated function).

    from agentbus import Client, HttpClient, Worker

Frame types: ``agentbus.frames`` (TypedDicts generated from the server's schemas).
"""

from . import frames
from .errors import AgentbusError
from .client import Client
from .http import HttpClient
from .worker import Retryable, Task, Worker

__all__ = ["AgentbusError", "Client", "HttpClient", "Retryable", "Task", "Worker", "frames"]
__version__ = "0.1.0"
