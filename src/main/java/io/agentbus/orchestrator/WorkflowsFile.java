package io.agentbus.orchestrator;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The shape of the workflows file as typed records (Jackson): its top level, the defaults and each
 * template. Binding it first, with unknown fields refused, turns a misspelt key ({@code "defualts"},
 * {@code "step"}) into a start-up error naming it, where reading the JSON by hand ignored it and
 * ran the template with defaults. Steps and agents stay JSON here — their fields depend on their
 * kind — and are checked by {@link Catalog}.
 */
record WorkflowsFile(@JsonProperty("_doc") String doc, String defaultTemplate, String defaultRole, Defaults defaults,
    Map<String, TemplateDef> templates, Map<String, JsonNode> agents) {

  /** Timeouts and retries for steps that do not say. */
  record Defaults(Integer timeoutSeconds, Integer retries, Long retryDelayMs) {}

  /** One template: its steps and its own step defaults. */
  record TemplateDef(@JsonProperty("_doc") String doc, String description, Integer timeoutSeconds, Integer retries,
      Long retryDelayMs, List<JsonNode> steps) {}

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** Binds {@code json}; an unknown or mistyped field fails with its place in the file. */
  static WorkflowsFile bind(String json) {
    try {
      return MAPPER.readValue(json, WorkflowsFile.class);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException("workflows file: " + where(e, 1) + ": unknown field '" + e.getPropertyName()
          + "' (known: " + e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
              .collect(Collectors.joining(", ")) + ")", e);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      throw new IllegalArgumentException("workflows file: " + where(e, 0) + ": " + e.getOriginalMessage(), e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("workflows file: not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The field's place in the file, without its last {@code drop} elements (an unknown field: the object it is in). */
  private static String where(com.fasterxml.jackson.databind.JsonMappingException e, int drop) {
    var refs = e.getPath();
    String path = refs.subList(0, Math.max(0, refs.size() - drop)).stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
    return path.isEmpty() ? "(top level)" : path;
  }
}
