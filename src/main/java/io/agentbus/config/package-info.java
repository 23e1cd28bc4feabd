/**
 * Configuration: every key with its path, environment variable, default and meaning
 * ({@link io.agentbus.config.ConfigKeys}; docs/configuration.md's table is generated from it and checked by ConfigReferenceTest), loading from
 * {@code conf/agentbus.json} and {@code AGENTBUS_*} with validation at start
 * ({@link io.agentbus.config.AgentbusConfig}), and the table of verticles a node can run, in
 * deployment order ({@link io.agentbus.config.Verticle}).
 */
package io.agentbus.config;
