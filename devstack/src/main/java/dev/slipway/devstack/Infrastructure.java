package dev.slipway.devstack;

/**
 * Where the services keep their state and exchange events.
 *
 * @param jdbcUrl the Slipway database (each service uses its own schema in it)
 */
public record Infrastructure(String jdbcUrl, String user, String password, String kafkaBootstrap) {}
