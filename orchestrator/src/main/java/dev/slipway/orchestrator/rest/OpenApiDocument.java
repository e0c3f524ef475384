package dev.slipway.orchestrator.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/openapi.yaml}: the document micronaut-openapi generates from the controllers at
 * build time, with the schemas of the proto messages they carry (from the same descriptors that
 * print them) and the problem every operation may answer. Open to everyone: it holds no data.
 */
@Controller("/api/v1")
public class OpenApiDocument {
  static final String GENERATED = "META-INF/swagger/slipway-v1.yml";
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
  private volatile String document;

  @Get(value = "/openapi.yaml", produces = "application/yaml")
  @Hidden
  public HttpResponse<String> openApi() {
    return HttpResponse.ok(document()).contentType("application/yaml");
  }

  String document() {
    String built = document;
    if (built == null) {
      built = build();
      document = built;
    }
    return built;
  }

  private String build() {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(GENERATED)) {
      if (in == null) {
        throw new IllegalStateException(GENERATED + " is missing: the build did not generate it");
      }
      ObjectNode root = (ObjectNode) yaml.readTree(in);
      ObjectNode schemas = root.with("components").with("schemas");
      ProtoSchemas.of(ApiSchemas.MESSAGES)
          .forEach((name, s) -> schemas.set(name, yaml.valueToTree(s)));
      schemas.set("SignIn", yaml.valueToTree(signIn()));
      schemas.set("Session", yaml.valueToTree(session()));
      schemas.set("Problem", yaml.valueToTree(problem()));
      addProblemResponses(root.with("paths"));
      return yaml.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + GENERATED, e);
    }
  }

  private void addProblemResponses(ObjectNode paths) {
    for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = paths.fields();
        it.hasNext(); ) {
      ObjectNode path = (ObjectNode) it.next().getValue();
      for (String method : METHODS) {
        if (path.has(method)) {
          ObjectNode responses = ((ObjectNode) path.get(method)).with("responses");
          responses.set(
              "default",
              yaml.valueToTree(
                  Map.of(
                      "description",
                      "A problem (RFC 9457): 400 bad input with its fields, 401, 403 naming the"
                          + " missing scope, 404, 409 refused, 429, 503",
                      "content",
                      Map.of(
                          Problems.MEDIA_TYPE,
                          Map.of("schema", Map.of("$ref", ApiSchemas.PROBLEM))))));
        }
      }
    }
  }

  private static Map<String, Object> signIn() {
    return Map.of(
        "type", "object",
        "required", List.of("token"),
        "properties", Map.of("token", Map.of("type", "string")));
  }

  private static Map<String, Object> session() {
    return Map.of(
        "type",
        "object",
        "properties",
        Map.of(
            "name", Map.of("type", "string"),
            "scopes", Map.of("type", "array", "items", Map.of("type", "string")),
            "csrfToken", Map.of("type", "string"),
            "expiresAt", Map.of("type", "string", "format", "date-time")));
  }

  private static Map<String, Object> problem() {
    return Map.of(
        "type",
        "object",
        "required",
        List.of("type", "title", "status", "detail"),
        "properties",
        Map.of(
            "type", Map.of("type", "string", "format", "uri"),
            "title", Map.of("type", "string"),
            "status", Map.of("type", "integer"),
            "detail", Map.of("type", "string"),
            "instance", Map.of("type", "string"),
            "errors",
                Map.of(
                    "type",
                    "array",
                    "items",
                    Map.of(
                        "type",
                        "object",
                        "properties",
                        Map.of(
                            "field", Map.of("type", "string"),
                            "message", Map.of("type", "string"))))));
  }
}
