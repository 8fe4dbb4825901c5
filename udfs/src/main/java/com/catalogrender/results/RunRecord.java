package com.catalogrender.results;

import java.sql.Timestamp;
import java.util.Map;

/**
 * One row of the {@code runs} table: the run's summary and what it ran with.
 *
 * @param config the run's settings with secrets redacted
 * @param rates the rates file's entries the run was costed with
 */
public record RunRecord(
    RunSummary summary,
    Timestamp startedAt,
    Timestamp endedAt,
    String catalog,
    String modelId,
    String modelVersion,
    String sparkMaster,
    String applicationId,
    String arguments,
    Map<String, String> config,
    Map<String, String> rates) {}
