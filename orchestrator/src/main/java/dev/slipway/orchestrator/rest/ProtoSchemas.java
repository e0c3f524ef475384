package dev.slipway.orchestrator.rest;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * OpenAPI schemas of proto messages as the protobuf JSON mapping writes them: lowerCamelCase names,
 * enums as their names, 64-bit integers as strings, Timestamps as RFC 3339 strings, Durations as
 * "1.5s", maps as objects. Every message reachable from the roots gets one.
 */
final class ProtoSchemas {
  private ProtoSchemas() {}

  static Map<String, Object> of(List<Descriptor> roots) {
    Map<String, Object> schemas = new TreeMap<>();
    Deque<Descriptor> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      Descriptor message = todo.pop();
      if (schemas.containsKey(message.getFullName()) || wellKnown(message) != null) {
        continue;
      }
      Map<String, Object> properties = new LinkedHashMap<>();
      for (FieldDescriptor field : message.getFields()) {
        properties.put(field.getJsonName(), field(field, todo));
      }
      Map<String, Object> schema = new LinkedHashMap<>();
      schema.put("type", "object");
      schema.put("properties", properties);
      schemas.put(message.getFullName(), schema);
    }
    return schemas;
  }

  private static Object field(FieldDescriptor field, Deque<Descriptor> todo) {
    if (field.isMapField()) {
      FieldDescriptor value = field.getMessageType().findFieldByName("value");
      return Map.of("type", "object", "additionalProperties", single(value, todo));
    }
    Map<String, Object> one = single(field, todo);
    return field.isRepeated() ? Map.of("type", "array", "items", one) : one;
  }

  private static Map<String, Object> single(FieldDescriptor field, Deque<Descriptor> todo) {
    return switch (field.getJavaType()) {
      case STRING -> Map.of("type", "string");
      case BOOLEAN -> Map.of("type", "boolean");
      case INT -> Map.of("type", "integer", "format", "int32");
      case LONG -> Map.of("type", "string", "format", "int64");
      case FLOAT, DOUBLE -> Map.of("type", "number");
      case BYTE_STRING -> Map.of("type", "string", "format", "byte");
      case ENUM ->
          Map.of(
              "type",
              "string",
              "enum",
              field.getEnumType().getValues().stream().map(EnumValueDescriptor::getName).toList());
      case MESSAGE -> {
        Map<String, Object> known = wellKnown(field.getMessageType());
        if (known != null) {
          yield known;
        }
        todo.push(field.getMessageType());
        yield Map.of("$ref", "#/components/schemas/" + field.getMessageType().getFullName());
      }
    };
  }

  private static Map<String, Object> wellKnown(Descriptor message) {
    return switch (message.getFullName()) {
      case "google.protobuf.Timestamp" -> Map.of("type", "string", "format", "date-time");
      case "google.protobuf.Duration" ->
          Map.of("type", "string", "description", "seconds with an 's' suffix, e.g. \"1.5s\"");
      case "google.protobuf.Struct" -> Map.of("type", "object");
      case "google.protobuf.Value" -> Map.of();
      case "google.protobuf.StringValue" -> Map.of("type", "string");
      case "google.protobuf.BoolValue" -> Map.of("type", "boolean");
      case "google.protobuf.Int32Value", "google.protobuf.UInt32Value" ->
          Map.of("type", "integer", "format", "int32");
      case "google.protobuf.Int64Value", "google.protobuf.UInt64Value" ->
          Map.of("type", "string", "format", "int64");
      case "google.protobuf.DoubleValue", "google.protobuf.FloatValue" -> Map.of("type", "number");
      default -> null;
    };
  }
}
