from __future__ import annotations

from typing import Any, Optional


class AgentbusError(Exception):
    """A refusal from agentbus: ``code`` is the protocol's (PROTOCOL §3/§5), e.g. ``NOT_FOUND``,
    ``CONFLICT``, ``RATE_LIMITED``; ``status`` the HTTP status where there is one."""

    def __init__(self, code: str, message: str, status: Optional[int] = None, body: Any = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.body = body

    @property
    def recoverable(self) -> bool:
        """Whether the same request may succeed later (rate limits, an unavailable dependency)."""
        return self.code in ("RATE_LIMITED", "UNAVAILABLE", "INTERNAL_ERROR")
