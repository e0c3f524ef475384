package dev.slipway.orchestrator;

import dev.slipway.platform.ServiceMain;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** The orchestrator: deployment state machine, targets, gRPC and REST APIs, outbox relay. */
@OpenAPIDefinition(
    info =
        @Info(
            title = "slipway",
            version = "v1",
            description =
                "Slipway's REST API: the gRPC API's calls with the same tokens and scopes, JSON by"
                    + " the protobuf JSON mapping, failures as application/problem+json."),
    security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "session")})
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityScheme(
    name = "session",
    type = SecuritySchemeType.APIKEY,
    in = SecuritySchemeIn.COOKIE,
    paramName = "slipway_session",
    description = "From POST /api/v1/session; changes also need the X-CSRF-Token header.")
public final class OrchestratorApplication {
  private OrchestratorApplication() {}

  public static void main(String[] args) {
    ServiceMain.run(OrchestratorApplication.class, args);
  }
}
