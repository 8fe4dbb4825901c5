package com.catalogrender.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandArgumentsTest {
  private static CommandArguments parse(String... args) {
    return CommandArguments.parse(
        "render", args, List.of("catalog", "limit", "guidance"), List.of("rerender-all"));
  }

  @Test
  void parsesValuesFlagsAndInlineValues() {
    CommandArguments a =
        parse("--catalog", "/c", "--limit=5", "--rerender-all", "--guidance", "4.5");
    assertEquals("/c", a.required("catalog"));
    assertEquals(5, a.integer("limit", 0));
    assertEquals(4.5, a.decimal("guidance", 0));
    assertTrue(a.flag("rerender-all"));
  }

  @Test
  void errorsNameTheOptionAndTheBadValue() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> parse("--catalgo", "/c"))
            .getMessage()
            .startsWith(
                "render: unknown option --catalgo; accepted: --catalog V --limit V --guidance V --rerender-all"));
    assertEquals(
        "render: --limit must be an integer, got 'ten'",
        assertThrows(
                IllegalArgumentException.class, () -> parse("--limit", "ten").integer("limit", 0))
            .getMessage());
    assertEquals(
        "render: --catalog needs a value",
        assertThrows(IllegalArgumentException.class, () -> parse("--catalog")).getMessage());
    assertEquals(
        "render: --catalog is required",
        assertThrows(IllegalArgumentException.class, () -> parse().required("catalog"))
            .getMessage());
  }

  @Test
  void unknownCommandsExitWith2() {
    assertEquals(2, Main.run(new String[] {"paint"}));
    assertEquals(2, Main.run(new String[0]));
  }
}
