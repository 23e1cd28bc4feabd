// The UI speaks the protocol through the client library (src/clients/js, package agentbus-client):
// one implementation in the repo. Served from the jar at /clients/js/src/ (pom.xml), reached from
// here by the same relative path in the source tree (Node tests) and in the browser.
export * from '../../../../clients/js/src/connection.js';
