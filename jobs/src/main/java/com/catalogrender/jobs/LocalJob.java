package com.catalogrender.jobs;

/** A command that runs in this JVM without Spark (one image, the model benchmark). */
interface LocalJob {
  /** Runs the command; returns one of {@link ExitCodes}. */
  int run() throws Exception;
}
