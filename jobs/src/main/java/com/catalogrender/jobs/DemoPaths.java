package com.catalogrender.jobs;

/** Where the demo and the defaults of render, sql and seed-catalog put things. */
final class DemoPaths {
  static final String ROOT = "out/demo";
  static final String CATALOG = ROOT + "/catalog";
  static final String WAREHOUSE = ROOT + "/warehouse";
  static final String IMAGES = ROOT + "/images";

  private DemoPaths() {}
}
