package com.catalogrender.results;

import com.catalogrender.catalog.PlannedCaption;
import java.io.Serializable;

/**
 * The caption of one distinct (category, prompt) of a run, what it cost and how many rows share it
 * ({@code caption.rows()}); joined back to those rows, each carrying its share.
 *
 * @param requests HTTP requests sent for it, retries included
 */
public record PromptCaption(String category, String prompt, long requests, PlannedCaption caption)
    implements Serializable {}
