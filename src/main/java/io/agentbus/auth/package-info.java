/**
 * Who the caller is. {@link io.agentbus.auth.TokenService} issues and verifies this cluster's
 * HS256 tokens and, through {@link io.agentbus.auth.IdentityProvider} ({@code vertx-auth-oauth2}:
 * OpenID Connect discovery, key rotation, the code flow with PKCE, refresh), an identity
 * provider's, whose claims {@link io.agentbus.auth.RoleMapping} turns into a user and roles.
 * {@link io.agentbus.auth.BrowserSessions} keeps single sign-on's browser sessions and what is
 * signed out, for the whole cluster; {@link io.agentbus.auth.DevLogin} is the dev profile's login.
 * Transports authenticate with these and put the caller in bus headers; the services decide what
 * the caller may do.
 */
package io.agentbus.auth;
