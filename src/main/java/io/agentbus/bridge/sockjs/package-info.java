/**
 * The SockJS event-bus bridge (PROTOCOL §4) and its guard: sends only to the browser-visible
 * addresses of the operation table, as the verified caller; registers only on stream addresses the
 * router allows, delivered in seq order by the node's hub; every bridge event completed once.
 */
package io.agentbus.bridge.sockjs;
