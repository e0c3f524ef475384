package dev.slipway.platform.auth;

import java.util.Optional;

/** Finds the environment of a deployment, for scopes checked against a request's deployment_id. */
public interface DeploymentEnvironments {
  Optional<String> environmentOf(String deploymentId);
}
