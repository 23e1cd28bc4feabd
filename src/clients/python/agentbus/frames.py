"""The /ws frames (PROTOCOL §3) as TypedDicts, generated from
io.agentbus.bridge.FrameSchemas by FrameTypesTest (do not edit): the shapes the server publishes
in GET /api/asyncapi.json. Every field is optional here (total=False); the
schemas say which the server requires."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, TypedDict, Union


class ClientAuth(TypedDict, total=False):
    """sign in (the first frame when the URL has no token): auth_response"""

    type: Literal['auth']
    token: str
    userId: str
    role: str
    session: str
    id: Union[str, float]
    traceparent: str


class ClientPing(TypedDict, total=False):
    """pong"""

    type: Literal['ping']
    id: Union[str, float]
    traceparent: str


class ClientSubscribe(TypedDict, total=False):
    """follow a stream: subscribed {stream, seq}, replaying seq > lastSeq first"""

    type: Literal['subscribe']
    channel: str
    workflowId: str
    executionId: str
    sessionId: str
    lastSeq: int
    id: Union[str, float]
    traceparent: str


class ClientUnsubscribe(TypedDict, total=False):
    """unsubscribed {stream}"""

    type: Literal['unsubscribe']
    channel: str
    workflowId: str
    executionId: str
    id: Union[str, float]
    traceparent: str


class ClientChat(TypedDict, total=False):
    """post to a channel: ack {stream, seq, messageId}; `/` commands: command_result"""

    type: Literal['chat']
    channel: str
    content: str
    replyTo: str
    threadId: str
    mentions: List[str]
    attachments: List[str]
    idempotencyKey: str
    id: Union[str, float]
    traceparent: str


class ClientMessage(TypedDict, total=False):
    """alias of chat"""

    type: Literal['chat']
    channel: str
    content: str
    replyTo: str
    threadId: str
    mentions: List[str]
    attachments: List[str]
    idempotencyKey: str
    id: Union[str, float]
    traceparent: str


class ClientUserInput(TypedDict, total=False):
    """start a workflow in this session: ack {workflowId, stream}"""

    type: Literal['user_input']
    content: str
    workflow: str
    attachments: List[str]
    id: Union[str, float]
    traceparent: str


class ClientApprovalResponse(TypedDict, total=False):
    """decide an approval: ack {approvalId, status}"""

    type: Literal['approval_response']
    approvalId: str
    approved: bool
    action: str
    feedback: str
    modifications: Dict[str, Any]
    id: Union[str, float]
    traceparent: str


class ClientCancel(TypedDict, total=False):
    """cancel a workflow (default: the session's running one): cancelled"""

    type: Literal['cancel']
    workflowId: str
    id: Union[str, float]
    traceparent: str


class ClientTypingStart(TypedDict, total=False):
    """typing_update to the channel's others (ephemeral)"""

    type: Literal['typing_start']
    channel: str
    id: Union[str, float]
    traceparent: str


class ClientTypingStop(TypedDict, total=False):
    """typing_update to the channel's others (ephemeral)"""

    type: Literal['typing_stop']
    channel: str
    id: Union[str, float]
    traceparent: str


class ClientHistory(TypedDict, total=False):
    """message_history {channel, messages, hasMore}"""

    type: Literal['history']
    channel: str
    before: int
    after: int
    limit: int
    threadId: str
    topLevel: bool
    id: Union[str, float]
    traceparent: str


class ClientMessageEdit(TypedDict, total=False):
    """edit one's message: ack, message_updated to all"""

    type: Literal['message_edit']
    channel: str
    messageId: str
    content: str
    id: Union[str, float]
    traceparent: str


class ClientMessageDelete(TypedDict, total=False):
    """delete one's message: ack, message_deleted to all"""

    type: Literal['message_delete']
    channel: str
    messageId: str
    id: Union[str, float]
    traceparent: str


class ClientReaction(TypedDict, total=False):
    """add or remove an emoji: ack {counts}"""

    type: Literal['reaction']
    channel: str
    messageId: str
    emoji: str
    op: str
    id: Union[str, float]
    traceparent: str


class ClientPin(TypedDict, total=False):
    """pin or unpin a message"""

    type: Literal['pin']
    channel: str
    messageId: str
    pinned: bool
    id: Union[str, float]
    traceparent: str


class ClientPins(TypedDict, total=False):
    """pins {channel, pins}"""

    type: Literal['pins']
    channel: str
    id: Union[str, float]
    traceparent: str


class ClientSearch(TypedDict, total=False):
    """search_results"""

    type: Literal['search']
    query: str
    channel: str
    limit: int
    before: int
    id: Union[str, float]
    traceparent: str


class ClientRead(TypedDict, total=False):
    """read marker: ack"""

    type: Literal['read']
    channel: str
    seq: int
    id: Union[str, float]
    traceparent: str


class ClientPresence(TypedDict, total=False):
    """presence {channel, online}"""

    type: Literal['presence']
    channel: str
    id: Union[str, float]
    traceparent: str


class ClientAgentRegister(TypedDict, total=False):
    """a worker serves roles: agent_registered"""

    type: Literal['agent_register']
    roles: List[str]
    capacity: int
    id: Union[str, float]
    traceparent: str


class ClientTaskProgress(TypedDict, total=False):
    """a worker's progress on a task it was given: ack"""

    type: Literal['task_progress']
    taskId: str
    progress: float
    currentTask: str
    partialOutput: str
    thinkingProcess: str
    id: Union[str, float]
    traceparent: str


class ClientTaskResult(TypedDict, total=False):
    """a worker's result (once per idempotencyKey): ack"""

    type: Literal['task_result']
    taskId: str
    outputs: Dict[str, Any]
    idempotencyKey: str
    id: Union[str, float]
    traceparent: str


class ClientTaskFailed(TypedDict, total=False):
    """a worker could not do the task: ack"""

    type: Literal['task_failed']
    taskId: str
    error: str
    id: Union[str, float]
    traceparent: str


class ClientTaskApproval(TypedDict, total=False):
    """a worker asks a human mid-task: a gate on its step (approval_required to the approvers); answered approval_decided once decided or expired"""

    type: Literal['task_approval']
    taskId: str
    title: str
    description: str
    timeoutMinutes: int
    requiredBy: str
    id: Union[str, float]
    traceparent: str


class ServerAuthResponse(TypedDict, total=False):
    type: Literal['auth_response']
    success: bool
    userId: str
    roles: List[str]
    sessionId: str


class ServerPong(TypedDict, total=False):
    type: Literal['pong']
    replyTo: Union[str, float]


class ServerAck(TypedDict, total=False):
    """the answer to a write"""

    type: Literal['ack']
    replyTo: Union[str, float]
    stream: str
    seq: int
    messageId: str
    duplicate: bool


class ServerSubscribed(TypedDict, total=False):
    type: Literal['subscribed']
    stream: str
    seq: int
    replyTo: Union[str, float]


class ServerUnsubscribed(TypedDict, total=False):
    type: Literal['unsubscribed']
    stream: str
    replyTo: Union[str, float]


class ServerMessage(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['message']
    stream: str
    seq: int
    timestamp: str


class ServerMessageEdited(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['message_edited']
    stream: str
    seq: int
    timestamp: str


class ServerMessageUpdated(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['message_updated']
    stream: str
    seq: int
    timestamp: str


class ServerMessageDeleted(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['message_deleted']
    stream: str
    seq: int
    timestamp: str


class ServerReactionUpdated(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['reaction_updated']
    stream: str
    seq: int
    timestamp: str


class ServerMessagePinned(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['message_pinned']
    stream: str
    seq: int
    timestamp: str


class ServerThreadUpdated(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['thread_updated']
    stream: str
    seq: int
    timestamp: str


class ServerWorkflowStarted(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['workflow_started']
    stream: str
    seq: int
    timestamp: str


class ServerAgentStarted(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['agent_started']
    stream: str
    seq: int
    timestamp: str


class ServerAgentProgress(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['agent_progress']
    stream: str
    seq: int
    timestamp: str


class ServerAgentCompleted(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['agent_completed']
    stream: str
    seq: int
    timestamp: str


class ServerAgentFailed(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['agent_failed']
    stream: str
    seq: int
    timestamp: str


class ServerApprovalRequired(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['approval_required']
    stream: str
    seq: int
    timestamp: str


class ServerApprovalResolved(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['approval_resolved']
    stream: str
    seq: int
    timestamp: str


class ServerWorkflowPaused(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['workflow_paused']
    stream: str
    seq: int
    timestamp: str


class ServerWorkflowResumed(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['workflow_resumed']
    stream: str
    seq: int
    timestamp: str


class ServerWorkflowCompleted(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['workflow_completed']
    stream: str
    seq: int
    timestamp: str


class ServerWorkflowFailed(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['workflow_failed']
    stream: str
    seq: int
    timestamp: str


class ServerCancelled(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['cancelled']
    stream: str
    seq: int
    timestamp: str


class ServerFilesUploaded(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['files_uploaded']
    stream: str
    seq: int
    timestamp: str


class ServerNodeLost(TypedDict, total=False):
    """a stored event (PROTOCOL §3, §7): stream and seq, then its fields"""

    type: Literal['node_lost']
    stream: str
    seq: int
    timestamp: str


class ServerTypingUpdate(TypedDict, total=False):
    """ephemeral"""

    type: Literal['typing_update']
    channel: str
    users: List[str]


class ServerMessageHistory(TypedDict, total=False):
    type: Literal['message_history']
    channel: str
    messages: List[Any]
    hasMore: bool


class ServerApprovalDecided(TypedDict, total=False):
    """the answer to task_approval"""

    type: Literal['approval_decided']
    taskId: str
    status: Literal['approved', 'rejected', 'expired']
    decision: str
    feedback: str
    modifications: Dict[str, Any]
    decidedBy: str
    replyTo: Union[str, float]


class ServerCommandResult(TypedDict, total=False):
    type: Literal['command_result']
    command: str
    ok: bool
    output: str


class ServerError(TypedDict, total=False):
    """a refusal (the connection stays usable)"""

    type: Literal['error']
    code: Literal['INVALID_JSON', 'INVALID_MESSAGE', 'UNKNOWN_TYPE', 'NOT_AUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'GONE', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'RATE_LIMITED', 'INTERNAL_ERROR', 'UNAVAILABLE']
    error: str
    recoverable: bool
    replyTo: Union[str, float]

ClientFrame = Union[
    ClientAuth,
    ClientPing,
    ClientSubscribe,
    ClientUnsubscribe,
    ClientChat,
    ClientMessage,
    ClientUserInput,
    ClientApprovalResponse,
    ClientCancel,
    ClientTypingStart,
    ClientTypingStop,
    ClientHistory,
    ClientMessageEdit,
    ClientMessageDelete,
    ClientReaction,
    ClientPin,
    ClientPins,
    ClientSearch,
    ClientRead,
    ClientPresence,
    ClientAgentRegister,
    ClientTaskProgress,
    ClientTaskResult,
    ClientTaskFailed,
    ClientTaskApproval,
]

ServerFrame = Union[
    ServerAuthResponse,
    ServerPong,
    ServerAck,
    ServerSubscribed,
    ServerUnsubscribed,
    ServerMessage,
    ServerMessageEdited,
    ServerMessageUpdated,
    ServerMessageDeleted,
    ServerReactionUpdated,
    ServerMessagePinned,
    ServerThreadUpdated,
    ServerWorkflowStarted,
    ServerAgentStarted,
    ServerAgentProgress,
    ServerAgentCompleted,
    ServerAgentFailed,
    ServerApprovalRequired,
    ServerApprovalResolved,
    ServerWorkflowPaused,
    ServerWorkflowResumed,
    ServerWorkflowCompleted,
    ServerWorkflowFailed,
    ServerCancelled,
    ServerFilesUploaded,
    ServerNodeLost,
    ServerTypingUpdate,
    ServerMessageHistory,
    ServerApprovalDecided,
    ServerCommandResult,
    ServerError,
]
