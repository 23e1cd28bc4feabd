package io.agentbus.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client library's frame types ({@code src/clients/js/src/frames.d.ts}) are made from the
 * server's {@link FrameSchemas}, the same source as the published AsyncAPI document: this test
 * fails when they differ ({@code -Dagentbus.docs.write=true} rewrites the file).
 */
class FrameTypesTest {

  static final Path FILE = Path.of("src", "clients", "js", "src", "frames.d.ts");
  static final Path PY_FILE = Path.of("src", "clients", "python", "agentbus", "frames.py");

  @Test
  void theClientsFrameTypesAreTheServersSchemas() throws Exception {
    check(FILE, typescript());
  }

  @Test
  void thePythonFrameTypesAreTheServersSchemas() throws Exception {
    check(PY_FILE, python());
  }

  private static void check(Path file, String made) throws Exception {
    if (Boolean.getBoolean("agentbus.docs.write")) {
      Files.writeString(file, made, StandardCharsets.UTF_8);
    }
    assertEquals(made, Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "",
        file + " differs from FrameSchemas; run mvn test -Dtest=FrameTypesTest -Dagentbus.docs.write=true");
  }

  /** The frames as TypedDicts (PEP 589; NotRequired from typing_extensions-free Python 3.11, else total=False). */
  static String python() {
    StringBuilder sb = new StringBuilder("\"\"\"The /ws frames (PROTOCOL §3) as TypedDicts, generated from\n"
        + "io.agentbus.bridge.FrameSchemas by FrameTypesTest (do not edit): the shapes the server publishes\n"
        + "in GET /api/asyncapi.json. Every field is optional here (total=False); the\n"
        + "schemas say which the server requires.\"\"\"\n\nfrom __future__ import annotations\n\n"
        + "from typing import Any, Dict, List, Literal, TypedDict, Union\n\n");
    List<String> client = new ArrayList<>();
    for (Map.Entry<String, JsonObject[]> e : FrameSchemas.client().entrySet()) {
      String name = "Client" + pascal(e.getKey());
      client.add(name);
      sb.append(pyClass(name, e.getValue()[0]));
    }
    List<String> server = new ArrayList<>();
    for (Map.Entry<String, JsonObject> e : FrameSchemas.server().entrySet()) {
      String name = "Server" + pascal(e.getKey());
      server.add(name);
      sb.append(pyClass(name, e.getValue()));
    }
    sb.append("ClientFrame = Union[\n    ").append(String.join(",\n    ", client)).append(",\n]\n\n");
    sb.append("ServerFrame = Union[\n    ").append(String.join(",\n    ", server)).append(",\n]\n");
    return sb.toString();
  }

  private static String pyClass(String name, JsonObject schema) {
    StringBuilder sb = new StringBuilder("\nclass ").append(name).append("(TypedDict, total=False):\n");
    String doc = schema.getString("description", "");
    if (!doc.isEmpty()) {
      sb.append("    \"\"\"").append(doc.replace("\"\"\"", "'''").replace("\\", "\\\\")).append("\"\"\"\n\n");
    }
    JsonObject props = schema.getJsonObject("properties");
    for (String p : props.fieldNames()) {
      sb.append("    ").append(p).append(": ").append(pyType(props.getJsonObject(p))).append("\n");
    }
    return sb.append("\n").toString();
  }

  private static String pyType(JsonObject s) {
    if (s.containsKey("const")) {
      return "Literal['" + s.getString("const") + "']";
    }
    if (s.containsKey("enum")) {
      List<String> vals = new ArrayList<>();
      s.getJsonArray("enum").forEach(v -> vals.add("'" + v + "'"));
      return "Literal[" + String.join(", ", vals) + "]";
    }
    if (s.containsKey("oneOf")) {
      List<String> vals = new ArrayList<>();
      s.getJsonArray("oneOf").forEach(v -> vals.add(pyType((JsonObject) v)));
      return "Union[" + String.join(", ", vals) + "]";
    }
    return switch (s.getString("type", "object")) {
      case "string" -> "str";
      case "integer" -> "int";
      case "number" -> "float";
      case "boolean" -> "bool";
      case "array" -> s.containsKey("items") ? "List[" + pyType(s.getJsonObject("items")) + "]" : "List[Any]";
      default -> "Dict[str, Any]";
    };
  }

  static String typescript() {
    StringBuilder sb = new StringBuilder("// Generated from io.agentbus.bridge.FrameSchemas by FrameTypesTest: do not edit.\n"
        + "// The /ws frames of PROTOCOL §3 (and the SockJS bridge's bodies), as the server describes them in\n"
        + "// GET /api/asyncapi.json.\n\n");
    List<String> client = new ArrayList<>();
    for (Map.Entry<String, JsonObject[]> e : FrameSchemas.client().entrySet()) {
      String name = "Client" + pascal(e.getKey());
      client.add(name);
      sb.append(iface(name, e.getValue()[0]));
    }
    List<String> server = new ArrayList<>();
    for (Map.Entry<String, JsonObject> e : FrameSchemas.server().entrySet()) {
      String name = "Server" + pascal(e.getKey());
      server.add(name);
      sb.append(iface(name, e.getValue()));
    }
    sb.append("/** Every frame a client may send. */\nexport type ClientFrame =\n  | ")
        .append(String.join("\n  | ", client)).append(";\n\n");
    sb.append("/** Every frame the server sends. */\nexport type ServerFrame =\n  | ")
        .append(String.join("\n  | ", server)).append(";\n");
    return sb.toString();
  }

  private static String iface(String name, JsonObject schema) {
    StringBuilder sb = new StringBuilder();
    String doc = schema.getString("description", "");
    if (!doc.isEmpty()) {
      sb.append("/** ").append(doc.replace("*/", "* /")).append(" */\n");
    }
    sb.append("export interface ").append(name).append(" {\n");
    JsonArray required = schema.getJsonArray("required", new JsonArray());
    JsonObject props = schema.getJsonObject("properties");
    for (String p : props.fieldNames()) {
      sb.append("  ").append(p).append(required.contains(p) ? ": " : "?: ").append(type(props.getJsonObject(p)))
          .append(";\n");
    }
    if (schema.getBoolean("additionalProperties", false)) {
      sb.append("  [field: string]: unknown;\n");
    }
    return sb.append("}\n\n").toString();
  }

  private static String type(JsonObject s) {
    if (s.containsKey("const")) {
      return "'" + s.getString("const") + "'";
    }
    if (s.containsKey("enum")) {
      List<String> vals = new ArrayList<>();
      s.getJsonArray("enum").forEach(v -> vals.add("'" + v + "'"));
      return String.join(" | ", vals);
    }
    if (s.containsKey("oneOf")) {
      List<String> vals = new ArrayList<>();
      s.getJsonArray("oneOf").forEach(v -> vals.add(type((JsonObject) v)));
      return String.join(" | ", vals);
    }
    return switch (s.getString("type", "object")) {
      case "string" -> "string";
      case "integer", "number" -> "number";
      case "boolean" -> "boolean";
      case "array" -> s.containsKey("items") ? type(s.getJsonObject("items")) + "[]" : "unknown[]";
      default -> "Record<string, unknown>";
    };
  }

  private static String pascal(String snake) {
    StringBuilder sb = new StringBuilder();
    for (String part : snake.split("_")) {
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString();
  }
}
