package com.catalogrender.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.catalogrender.measure.Stage;
import com.catalogrender.results.RenderStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewsTest {
  @Test
  void theFileDefinesEachViewOnceOverItsTable() {
    List<Views.View> views = Views.all();
    assertEquals(
        List.of(
            "cost_per_render",
            "stage_breakdown",
            "cache_efficiency",
            "failures",
            "run_costs",
            "estimate_error",
            "quality_by_variant",
            "live_images"),
        views.stream().map(Views.View::name).toList());
    for (Views.View view : views) {
      String temporary = view.statement(null);
      assertTrue(
          temporary.startsWith("CREATE OR REPLACE TEMPORARY VIEW " + view.name() + " AS"),
          temporary);
      assertTrue(temporary.contains("FROM " + view.table()), view.name());
      assertTrue(!temporary.contains("${") && !temporary.endsWith(";"), view.name());
      String persistent = view.statement("shop");
      assertTrue(
          persistent.startsWith("CREATE OR REPLACE VIEW `shop`." + view.name() + " AS"),
          persistent);
      assertTrue(persistent.contains("FROM `shop`." + view.table()), view.name());
    }
  }

  /** The SQL file names stages and statuses in the words of the Java enums; a new stage fails. */
  @Test
  void stageBreakdownCoversEveryStageAndTheStatusesAreTheEnums() {
    Views.View breakdown =
        Views.all().stream().filter(v -> v.name().equals("stage_breakdown")).findFirst().get();
    String sql = breakdown.statement(null);
    assertTrue(sql.contains("stack(" + Stage.values().length + ","), sql);
    for (Stage stage : Stage.values()) {
      String name = stage.label();
      assertTrue(sql.contains("'" + name + "', s_" + name + ", c_" + name), name);
      assertTrue(sql.contains("sum(" + RendersTable.secondsColumn(stage) + ") AS s_" + name), name);
      assertTrue(sql.contains("sum(" + RendersTable.costColumn(stage) + ") AS c_" + name), name);
    }
    for (Views.View view : Views.all()) {
      var statuses = java.util.regex.Pattern.compile("status = '(\\w+)'").matcher(view.sql());
      while (statuses.find()) {
        assertTrue(
            List.of(RenderStatus.OK.label(), RenderStatus.FAILED.label())
                .contains(statuses.group(1)),
            view.name() + ": status '" + statuses.group(1) + "'");
      }
    }
  }
}
