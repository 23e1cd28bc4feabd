/**
 * The command line of the jar (picocli): {@code java -jar agentbus.jar [serve|token|migrate|
 * check-config|publish|tail] [--help]}. {@code serve} (the default) runs a node; {@code token},
 * {@code migrate} and {@code check-config} work from the same configuration a node reads (conf/ and
 * AGENTBUS_* variables); {@code publish} and {@code tail} talk to a running node over HTTP and
 * {@code /ws}. Unknown options are errors (exit code 2), never silently ignored.
 */
package io.agentbus.cli;
