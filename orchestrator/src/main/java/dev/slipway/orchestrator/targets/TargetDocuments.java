package dev.slipway.orchestrator.targets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.proto.v1.TargetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a target spec from a YAML or JSON document (JSON is YAML, so one parser serves both). */
public final class TargetDocuments {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern UNKNOWN_FIELD =
      Pattern.compile("Cannot find field: (\\S+) in message slipway\\.v1\\.(\\S+)");

  private TargetDocuments() {}

  public static TargetSpec parse(String document) {
    TargetSpec.Builder spec = TargetSpec.newBuilder();
    merge(
        document,
        spec,
        "target spec",
        "app, environment, deploy, ...",
        tree -> {
          liftSecretEnv(tree, "deploy");
          liftSecretEnv(tree, "rollback");
          liftSecretHeaders(tree, "health");
          liftSecretHeaders(tree, "preflight");
          liftSecretHeaders(tree, "watch");
          // approval: { required: true } is the four-eyes rule: one approver besides the requester.
          if (tree.get("approval") instanceof ObjectNode approval
              && approval.get("required") != null
              && approval.get("required").isBoolean()) {
            approval.put("required", approval.get("required").asBoolean() ? 1 : 0);
          }
        });
    return spec.build();
  }

  /**
   * Reads a YAML or JSON document into {@code message}, naming every key that is not one of its
   * fields by its whole path; {@code prepare} may rewrite the tree first.
   */
  public static void merge(
      String document,
      Message.Builder message,
      String what,
      String keys,
      Consumer<JsonNode> prepare) {
    if (document == null || document.isBlank()) {
      throw new InvalidInput("document", "is empty; give the " + what + " as YAML or JSON");
    }
    JsonNode tree;
    try {
      tree = YAML.readTree(document);
    } catch (JsonProcessingException e) {
      throw new InvalidInput(
          "document",
          "is not valid YAML or JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    }
    if (tree == null || !tree.isObject()) {
      throw new InvalidInput("document", "must be a mapping with the keys " + keys);
    }
    prepare.accept(tree);
    List<InvalidInput.Violation> strangers = new ArrayList<>();
    unknownFields(tree, message.getDescriptorForType(), "", strangers);
    if (!strangers.isEmpty()) {
      throw new InvalidInput(strangers);
    }
    try {
      JsonFormat.parser().merge(JSON.writeValueAsString(tree), message);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      Matcher unknown = UNKNOWN_FIELD.matcher(String.valueOf(e.getMessage()));
      if (unknown.find()) {
        throw new InvalidInput(unknown.group(1), "is not a field of " + unknown.group(2));
      }
      throw new InvalidInput("document", "does not fit the " + what + ": " + e.getMessage());
    }
  }

  /** Names every key that is not a field where it stands, with its whole path (health.bake). */
  private static void unknownFields(
      JsonNode node, Descriptor type, String path, List<InvalidInput.Violation> out) {
    if (!node.isObject()) {
      return;
    }
    node.fieldNames()
        .forEachRemaining(
            key -> {
              FieldDescriptor field = type.findFieldByName(key);
              if (field == null) {
                field =
                    type.getFields().stream()
                        .filter(f -> f.getJsonName().equals(key))
                        .findFirst()
                        .orElse(null);
              }
              String at = path.isEmpty() ? key : path + "." + key;
              if (field == null) {
                out.add(new InvalidInput.Violation(at, "is not a field of " + type.getName()));
              } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                  && !field.isMapField()) {
                JsonNode value = node.get(key);
                if (field.isRepeated() && value.isArray()) {
                  for (int i = 0; i < value.size(); i++) {
                    unknownFields(value.get(i), field.getMessageType(), at + "[" + i + "]", out);
                  }
                } else {
                  unknownFields(value, field.getMessageType(), at, out);
                }
              }
            });
  }

  /**
   * {@code env: { DB_PASSWORD: { secret: journal-db } }} becomes {@code secretEnv: { DB_PASSWORD:
   * journal-db }}.
   */
  private static void liftSecretEnv(JsonNode tree, String step) {
    if (tree.get(step) instanceof ObjectNode command) {
      liftSecrets(command, "env", "secretEnv", step);
    }
  }

  /** The same for each check's {@code headers: { Authorization: { secret: api-token } }}. */
  private static void liftSecretHeaders(JsonNode tree, String section) {
    if (tree.path(section).path("checks")
        instanceof com.fasterxml.jackson.databind.node.ArrayNode checks) {
      for (int i = 0; i < checks.size(); i++) {
        if (checks.get(i) instanceof ObjectNode check) {
          liftSecrets(check, "headers", "secretHeaders", section + ".checks[" + i + "]");
        }
      }
    }
  }

  private static void liftSecrets(ObjectNode owner, String plain, String secret, String at) {
    if (!(owner.get(plain) instanceof ObjectNode values)) {
      return;
    }
    ObjectNode secrets =
        owner.get(secret) instanceof ObjectNode given ? given : owner.putObject(secret);
    List<String> names = new ArrayList<>();
    values.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode value = values.get(name);
      if (!value.isObject()) {
        continue;
      }
      if (value.size() != 1 || !value.path("secret").isTextual()) {
        throw new InvalidInput(
            at + "." + plain + "." + name, "must be a string or { secret: NAME }");
      }
      secrets.put(name, value.get("secret").asText());
      values.remove(name);
    }
    if (secrets.isEmpty()) {
      owner.remove(secret);
    }
  }

  /** The canonical JSON stored in the database. */
  public static String toJson(TargetSpec spec) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(spec);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a TargetSpec always prints", e);
    }
  }

  public static TargetSpec fromJson(String json) {
    TargetSpec.Builder spec = TargetSpec.newBuilder();
    try {
      JsonFormat.parser().merge(json, spec);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored target spec does not parse", e);
    }
    return spec.build();
  }
}
