package com.catalogrender.jobs;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command's options written as a table, one option a line, columns split by two or more spaces:
 * name, value label ({@code -} for a switch), type ({@code text}, {@code int}, {@code long}, {@code
 * double}, {@code flag}), default ({@code -} for none), description. Picocli parses, converts and
 * checks them and prints them in {@code --help}; the command reads them back typed.
 */
final class OptionTable {
  /** One option of a table. */
  record Row(String name, String label, String type, String fallback, String description) {}

  /** A command whose options are a table. */
  interface Declared {
    /** The command's option table. */
    String options();
  }

  private final CommandSpec spec;

  OptionTable(CommandSpec spec) {
    this.spec = spec;
  }

  static List<Row> rows(String table) {
    return table
        .lines()
        .filter(line -> !line.isBlank())
        .map(line -> line.trim().split(" {2,}", 5))
        .map(c -> new Row(c[0], c[1], c[2], c[3], c[4]))
        .toList();
  }

  /** Adds the options of {@code table} to {@code spec}. */
  static void addTo(CommandSpec spec, String table) {
    addTo(spec, rows(table));
  }

  /** Adds {@code rows} as options of {@code spec}. */
  static void addTo(CommandSpec spec, List<Row> rows) {
    for (Row row : rows) {
      OptionSpec.Builder option = OptionSpec.builder(row.name()).description(row.description());
      switch (row.type()) {
        case "flag" -> option.type(boolean.class).arity("0").defaultValue("false");
        case "int" -> option.type(Integer.class);
        case "long" -> option.type(Long.class);
        case "double" -> option.type(Double.class);
        case "text" -> option.type(String.class);
        default ->
            throw new IllegalStateException("option type " + row.type() + " of " + row.name());
      }
      if (!row.label().equals("-")) {
        option.paramLabel(row.label());
      }
      if (row.fallback().equals("!")) {
        option.required(true);
      } else if (!row.fallback().equals("-")) {
        option.defaultValue(row.fallback());
      }
      spec.addOption(option.build());
    }
  }

  /** The value of option {@code name}: given, else its default, else null. */
  @SuppressWarnings("unchecked")
  <T> T get(String name) {
    OptionSpec option = spec.findOption(name);
    if (option == null) {
      throw new IllegalStateException("no option " + name);
    }
    return (T) option.getValue();
  }

  boolean given(String name) {
    return spec.commandLine().getParseResult().hasMatchedOption(name);
  }

  /** Adds the tables of every command that declares one. */
  static void addAll(CommandLine cli) {
    for (CommandLine command : cli.getSubcommands().values()) {
      if (command.getCommandSpec().userObject() instanceof Declared declared) {
        addTo(command.getCommandSpec(), declared.options());
      }
    }
  }
}
