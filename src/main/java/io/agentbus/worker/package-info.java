/** A runnable example of an external agent worker: a separate process that plays a role over {@code /ws}. */
package io.agentbus.worker;
