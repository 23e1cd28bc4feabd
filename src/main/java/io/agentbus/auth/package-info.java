/**
 * Who the caller is: HS256 tokens issued and verified ({@link io.agentbus.auth.TokenService}),
 * and the dev profile's login ({@link io.agentbus.auth.DevLogin}). Transports authenticate with
 * these and put the caller in bus headers; the services decide what the caller may do.
 */
package io.agentbus.auth;
