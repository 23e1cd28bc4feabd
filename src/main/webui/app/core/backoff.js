// Reconnect delays live in the client library (src/clients/js): the UI uses the same ones.
export * from '../../../../clients/js/src/backoff.js';
