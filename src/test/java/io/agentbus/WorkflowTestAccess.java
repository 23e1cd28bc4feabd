package io.agentbus;

import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** WorkflowTest's helpers for tests in other packages. */
public final class WorkflowTestAccess {

  private WorkflowTestAccess() {}

  public static String testWorkflowsFile() throws Exception {
    return WorkflowTest.testWorkflowsFile();
  }

  public static String startWorkflow(WsClient ws, String template, String content) {
    return WorkflowTest.startWorkflow(ws, template, content);
  }

  public static List<JsonObject> eventsUntilEnd(WsClient ws, String workflowId) {
    return WorkflowTest.eventsUntilEnd(ws, workflowId);
  }
}
