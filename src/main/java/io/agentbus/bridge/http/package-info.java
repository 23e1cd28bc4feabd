/**
 * REST (PROTOCOL §5): dev login, bearer authentication, and one route per operation of the table
 * with a REST binding; coded failures mapped to {@code {"status":"error","code","message"}} here.
 */
package io.agentbus.bridge.http;
