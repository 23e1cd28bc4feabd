package io.agentbus.orchestrator;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped workflows file loads, and a mistake in one stops the node with its location. */
class WorkflowsFileTest {

  @Test
  void theShippedFileHasTheSeedTeam() throws Exception {
    Catalog c = new Catalog(Catalog.readFile("conf/workflows.json"), Map.of());
    Template t = c.template(null);
    assertEquals("default", t.name());
    assertEquals(List.of("orchestrator", "design", "code", "qa", "data"),
        t.agentsInOrder().stream().map(Template.AgentStep::role).toList());
    assertEquals(t.toJson(), Template.fromJson(t.toJson()).toJson(), "a stored template reads back the same");
    assertEquals("worker", new Catalog(Catalog.readFile("conf/workflows.json"),
        Catalog.parseKinds("code=worker")).agent("code").kind());
  }

  @Test
  void mistakesAreReportedWhereTheyAre() {
    String agents = "\"agents\":{\"code\":{}}";
    assertError("{" + agents + ",\"templates\":{\"default\":{\"steps\":[{\"role\":\"nobody\"}]}}}",
        "templates.default.steps[0]", "nobody");
    assertError("{" + agents + ",\"templates\":{\"default\":{\"steps\":[{\"parallel\":[{\"role\":\"code\"}]}]}}}",
        "templates.default.steps[0]", "at least two");
    assertError("{" + agents + ",\"templates\":{\"default\":{\"steps\":[{\"role\":\"code\"},"
        + "{\"approval\":{\"onTimeout\":\"continue\"}}]}}}", "steps[1].approval", "onTimeout");
    assertError("{" + agents + ",\"templates\":{\"default\":{\"steps\":[]}}}", "templates.default", "steps");
    assertError("{" + agents + ",\"templates\":{\"x\":{\"steps\":[{\"role\":\"code\"}]}}}", "defaultTemplate", "default");
    assertError("{" + agents + ",\"templates\":{\"default\":{\"retries\":-1,\"steps\":[{\"role\":\"code\"}]}}}",
        "templates.default", "retries");
    assertThrows(IllegalArgumentException.class, () -> Catalog.parseKinds("code"));
    // Misspelt or mistyped keys are named, not ignored (the typed shape, WorkflowsFile).
    assertError("{" + agents + ",\"defualts\":{},\"templates\":{\"default\":{\"steps\":[{\"role\":\"code\"}]}}}",
        "(top level)", "defualts");
    assertError("{" + agents + ",\"templates\":{\"default\":{\"step\":[{\"role\":\"code\"}]}}}",
        "templates.default", "'step'");
    assertError("{" + agents + ",\"defaults\":{\"retries\":\"two\"},\"templates\":{\"default\":{\"steps\":[{\"role\":\"code\"}]}}}",
        "defaults.retries", "");
    assertError("{\"agents\":{\"code\":{\"kind\":\"magic\"}},\"templates\":{\"default\":{\"steps\":[{\"role\":\"code\"}]}}}",
        "agents.code", "magic");
  }

  private static void assertError(String file, String where, String what) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Catalog(new JsonObject(file), Map.of()));
    assertTrue(e.getMessage().contains(where) && e.getMessage().contains(what), e.getMessage());
  }
}
