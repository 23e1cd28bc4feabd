package io.agentbus.auth;

import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.vertx.core.json.JsonArray;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DevLoginTest {

  @Test
  void aDevPrincipalAlwaysHasRoleUser() {
    assertEquals(List.of("user"), DevLogin.principal("alice", null).roles());
    assertEquals(List.of("user", "approver"), DevLogin.principal("carol", "approver").roles());
    assertEquals(List.of("user"), DevLogin.principal("dave", "user").roles());
  }

  @Test
  void badUsersAndRolesAreInvalidMessages() {
    for (Runnable bad : List.<Runnable>of(() -> DevLogin.principal("a b", null), () -> DevLogin.principal("alice", "root"),
        () -> DevLogin.principal("alice", 3), () -> DevLogin.roles("admin"),
        () -> DevLogin.roles(new JsonArray().add("user").add("wizard")))) {
      AppException e = assertThrows(AppException.class, bad::run);
      assertEquals(ErrorCode.INVALID_MESSAGE, e.code);
    }
    assertEquals(List.of("admin"), DevLogin.roles(new JsonArray().add("admin")));
  }
}
