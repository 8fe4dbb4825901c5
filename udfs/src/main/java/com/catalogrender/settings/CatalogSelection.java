package com.catalogrender.settings;

import com.catalogrender.config.SettingValues;
import java.util.Map;

/**
 * Which catalog rows a run considers.
 *
 * @param catalog a Delta table path or a table name
 * @param where an optional Spark SQL filter on the catalog
 * @param limit at most this many rows (by SKU), or null
 * @param rerenderAll render rows even when an ok render with the same inputs exists
 */
public record CatalogSelection(String catalog, String where, Integer limit, boolean rerenderAll) {
  public static final String CATALOG = "catalog";
  public static final String RERENDER_ALL = "rerender_all";

  public static CatalogSelection parse(Map<String, String> s) {
    String limit = SettingValues.optional(s, "limit");
    return new CatalogSelection(
        SettingValues.required(s, CATALOG),
        SettingValues.optional(s, "where"),
        limit == null ? null : SettingValues.integer("limit", limit, 1, Integer.MAX_VALUE),
        SettingValues.bool(RERENDER_ALL, s.getOrDefault(RERENDER_ALL, "false")));
  }
}
