// agentbus-client: the /ws client (client.js), the live views (stores.js); React hooks are in
// 'agentbus-client/react'. Frame types: frames.d.ts (generated from the server's FrameSchemas).
export { AgentbusClient, AgentbusError } from './client.js';
export { Connection, newKey, streamOf, resendable } from './connection.js';
export { delay } from './backoff.js';
export { workflowStore, channelStore, approvalsStore, applyWorkflowEvent, applyChannelEvent } from './stores.js';
