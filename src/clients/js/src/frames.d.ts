// Generated from io.agentbus.bridge.FrameSchemas by FrameTypesTest: do not edit.
// The /ws frames of PROTOCOL §3 (and the SockJS bridge's bodies), as the server describes them in
// GET /api/asyncapi.json.

/** sign in (the first frame when the URL has no token): auth_response */
export interface ClientAuth {
  type: 'auth';
  token?: string;
  userId?: string;
  role?: string;
  session?: string;
  id?: string | number;
  traceparent?: string;
}

/** pong */
export interface ClientPing {
  type: 'ping';
  id?: string | number;
  traceparent?: string;
}

/** follow a stream: subscribed {stream, seq}, replaying seq > lastSeq first */
export interface ClientSubscribe {
  type: 'subscribe';
  channel?: string;
  workflowId?: string;
  executionId?: string;
  sessionId?: string;
  lastSeq?: number;
  id?: string | number;
  traceparent?: string;
}

/** unsubscribed {stream} */
export interface ClientUnsubscribe {
  type: 'unsubscribe';
  channel?: string;
  workflowId?: string;
  executionId?: string;
  id?: string | number;
  traceparent?: string;
}

/** post to a channel: ack {stream, seq, messageId}; `/` commands: command_result */
export interface ClientChat {
  type: 'chat';
  channel: string;
  content: string;
  replyTo?: string;
  threadId?: string;
  mentions?: string[];
  attachments?: string[];
  idempotencyKey?: string;
  id?: string | number;
  traceparent?: string;
}

/** alias of chat */
export interface ClientMessage {
  type: 'chat';
  channel: string;
  content: string;
  replyTo?: string;
  threadId?: string;
  mentions?: string[];
  attachments?: string[];
  idempotencyKey?: string;
  id?: string | number;
  traceparent?: string;
}

/** start a workflow in this session: ack {workflowId, stream} */
export interface ClientUserInput {
  type: 'user_input';
  content: string;
  workflow?: string;
  attachments?: string[];
  id?: string | number;
  traceparent?: string;
}

/** decide an approval: ack {approvalId, status} */
export interface ClientApprovalResponse {
  type: 'approval_response';
  approvalId: string;
  approved?: boolean;
  action?: string;
  feedback?: string;
  modifications?: Record<string, unknown>;
  id?: string | number;
  traceparent?: string;
}

/** cancel a workflow (default: the session's running one): cancelled */
export interface ClientCancel {
  type: 'cancel';
  workflowId?: string;
  id?: string | number;
  traceparent?: string;
}

/** typing_update to the channel's others (ephemeral) */
export interface ClientTypingStart {
  type: 'typing_start';
  channel: string;
  id?: string | number;
  traceparent?: string;
}

/** typing_update to the channel's others (ephemeral) */
export interface ClientTypingStop {
  type: 'typing_stop';
  channel: string;
  id?: string | number;
  traceparent?: string;
}

/** message_history {channel, messages, hasMore} */
export interface ClientHistory {
  type: 'history';
  channel: string;
  before?: number;
  after?: number;
  limit?: number;
  threadId?: string;
  topLevel?: boolean;
  id?: string | number;
  traceparent?: string;
}

/** edit one's message: ack, message_updated to all */
export interface ClientMessageEdit {
  type: 'message_edit';
  channel: string;
  messageId: string;
  content: string;
  id?: string | number;
  traceparent?: string;
}

/** delete one's message: ack, message_deleted to all */
export interface ClientMessageDelete {
  type: 'message_delete';
  channel: string;
  messageId: string;
  id?: string | number;
  traceparent?: string;
}

/** add or remove an emoji: ack {counts} */
export interface ClientReaction {
  type: 'reaction';
  channel: string;
  messageId: string;
  emoji: string;
  op?: string;
  id?: string | number;
  traceparent?: string;
}

/** pin or unpin a message */
export interface ClientPin {
  type: 'pin';
  channel: string;
  messageId: string;
  pinned?: boolean;
  id?: string | number;
  traceparent?: string;
}

/** pins {channel, pins} */
export interface ClientPins {
  type: 'pins';
  channel: string;
  id?: string | number;
  traceparent?: string;
}

/** search_results */
export interface ClientSearch {
  type: 'search';
  query: string;
  channel?: string;
  limit?: number;
  before?: number;
  id?: string | number;
  traceparent?: string;
}

/** read marker: ack */
export interface ClientRead {
  type: 'read';
  channel: string;
  seq: number;
  id?: string | number;
  traceparent?: string;
}

/** presence {channel, online} */
export interface ClientPresence {
  type: 'presence';
  channel: string;
  id?: string | number;
  traceparent?: string;
}

/** a worker serves roles: agent_registered */
export interface ClientAgentRegister {
  type: 'agent_register';
  roles: string[];
  capacity?: number;
  id?: string | number;
  traceparent?: string;
}

/** a worker's progress on a task it was given: ack */
export interface ClientTaskProgress {
  type: 'task_progress';
  taskId: string;
  progress: number;
  currentTask?: string;
  partialOutput?: string;
  thinkingProcess?: string;
  id?: string | number;
  traceparent?: string;
}

/** a worker's result (once per idempotencyKey): ack */
export interface ClientTaskResult {
  type: 'task_result';
  taskId: string;
  outputs?: Record<string, unknown>;
  idempotencyKey?: string;
  id?: string | number;
  traceparent?: string;
}

/** a worker could not do the task: ack */
export interface ClientTaskFailed {
  type: 'task_failed';
  taskId: string;
  error?: string;
  id?: string | number;
  traceparent?: string;
}

/** a worker asks a human mid-task: a gate on its step (approval_required to the approvers); answered approval_decided once decided or expired */
export interface ClientTaskApproval {
  type: 'task_approval';
  taskId: string;
  title: string;
  description?: string;
  timeoutMinutes?: number;
  requiredBy?: string;
  id?: string | number;
  traceparent?: string;
}

export interface ServerAuthResponse {
  type: 'auth_response';
  success: boolean;
  userId?: string;
  roles?: string[];
  sessionId?: string;
}

export interface ServerPong {
  type: 'pong';
  replyTo?: string | number;
}

/** the answer to a write */
export interface ServerAck {
  type: 'ack';
  replyTo?: string | number;
  stream?: string;
  seq?: number;
  messageId?: string;
  duplicate?: boolean;
}

export interface ServerSubscribed {
  type: 'subscribed';
  stream: string;
  seq: number;
  replyTo?: string | number;
}

export interface ServerUnsubscribed {
  type: 'unsubscribed';
  stream: string;
  replyTo?: string | number;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerMessage {
  type: 'message';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerMessageEdited {
  type: 'message_edited';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerMessageUpdated {
  type: 'message_updated';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerMessageDeleted {
  type: 'message_deleted';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerReactionUpdated {
  type: 'reaction_updated';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerMessagePinned {
  type: 'message_pinned';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerThreadUpdated {
  type: 'thread_updated';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerWorkflowStarted {
  type: 'workflow_started';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerAgentStarted {
  type: 'agent_started';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerAgentProgress {
  type: 'agent_progress';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerAgentCompleted {
  type: 'agent_completed';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerAgentFailed {
  type: 'agent_failed';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerApprovalRequired {
  type: 'approval_required';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerApprovalResolved {
  type: 'approval_resolved';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerWorkflowPaused {
  type: 'workflow_paused';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerWorkflowResumed {
  type: 'workflow_resumed';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerWorkflowCompleted {
  type: 'workflow_completed';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerWorkflowFailed {
  type: 'workflow_failed';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerCancelled {
  type: 'cancelled';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerFilesUploaded {
  type: 'files_uploaded';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** a stored event (PROTOCOL §3, §7): stream and seq, then its fields */
export interface ServerNodeLost {
  type: 'node_lost';
  stream?: string;
  seq?: number;
  timestamp?: string;
  [field: string]: unknown;
}

/** ephemeral */
export interface ServerTypingUpdate {
  type: 'typing_update';
  channel: string;
  users: string[];
}

export interface ServerMessageHistory {
  type: 'message_history';
  channel: string;
  messages: unknown[];
  hasMore: boolean;
}

/** the answer to task_approval */
export interface ServerApprovalDecided {
  type: 'approval_decided';
  taskId: string;
  status: 'approved' | 'rejected' | 'expired';
  decision?: string;
  feedback?: string;
  modifications?: Record<string, unknown>;
  decidedBy?: string;
  replyTo?: string | number;
}

export interface ServerCommandResult {
  type: 'command_result';
  command?: string;
  ok?: boolean;
  output?: string;
}

/** a refusal (the connection stays usable) */
export interface ServerError {
  type: 'error';
  code: 'INVALID_JSON' | 'INVALID_MESSAGE' | 'UNKNOWN_TYPE' | 'NOT_AUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'GONE' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'RATE_LIMITED' | 'INTERNAL_ERROR' | 'UNAVAILABLE';
  error: string;
  recoverable?: boolean;
  replyTo?: string | number;
}

/** Every frame a client may send. */
export type ClientFrame =
  | ClientAuth
  | ClientPing
  | ClientSubscribe
  | ClientUnsubscribe
  | ClientChat
  | ClientMessage
  | ClientUserInput
  | ClientApprovalResponse
  | ClientCancel
  | ClientTypingStart
  | ClientTypingStop
  | ClientHistory
  | ClientMessageEdit
  | ClientMessageDelete
  | ClientReaction
  | ClientPin
  | ClientPins
  | ClientSearch
  | ClientRead
  | ClientPresence
  | ClientAgentRegister
  | ClientTaskProgress
  | ClientTaskResult
  | ClientTaskFailed
  | ClientTaskApproval;

/** Every frame the server sends. */
export type ServerFrame =
  | ServerAuthResponse
  | ServerPong
  | ServerAck
  | ServerSubscribed
  | ServerUnsubscribed
  | ServerMessage
  | ServerMessageEdited
  | ServerMessageUpdated
  | ServerMessageDeleted
  | ServerReactionUpdated
  | ServerMessagePinned
  | ServerThreadUpdated
  | ServerWorkflowStarted
  | ServerAgentStarted
  | ServerAgentProgress
  | ServerAgentCompleted
  | ServerAgentFailed
  | ServerApprovalRequired
  | ServerApprovalResolved
  | ServerWorkflowPaused
  | ServerWorkflowResumed
  | ServerWorkflowCompleted
  | ServerWorkflowFailed
  | ServerCancelled
  | ServerFilesUploaded
  | ServerNodeLost
  | ServerTypingUpdate
  | ServerMessageHistory
  | ServerApprovalDecided
  | ServerCommandResult
  | ServerError;
