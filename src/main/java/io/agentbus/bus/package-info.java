/**
 * The shared kernel of the event bus, used by every verticle: every address
 * ({@link io.agentbus.bus.Addresses}: browser-visible {@code agentbus.*}, verticle-to-verticle
 * {@code internal.*}), the caller carried in headers ({@link io.agentbus.bus.Principal}), the
 * coded errors that cross the bus ({@link io.agentbus.bus.ErrorCode},
 * {@link io.agentbus.bus.AppException}) and the one request handler that maps them
 * ({@link io.agentbus.bus.Services#serve}), the bus timeouts and delivery options per target
 * ({@link io.agentbus.bus.Requests}), the name rules ({@link io.agentbus.bus.Names}), field
 * checks ({@link io.agentbus.bus.Json}), slash commands ({@link io.agentbus.bus.SlashCommand})
 * and their {@code command_result} ({@link io.agentbus.bus.CommandResult}). Owns no table.
 */
package io.agentbus.bus;
