package com.catalogrender.jobs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} and {@code --flag} arguments of one subcommand. Unknown names are errors
 * that list the accepted ones, so a typo never silently falls back to a default.
 */
public final class CommandArguments {
  private final String command;
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> flags = new HashSet<>();

  private CommandArguments(String command) {
    this.command = command;
  }

  /**
   * @param options accepted names that take a value
   * @param switches accepted names that take no value
   */
  public static CommandArguments parse(
      String command, String[] args, List<String> options, List<String> switches) {
    CommandArguments parsed = new CommandArguments(command);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException(
            command + ": unexpected argument '" + arg + "'; options start with --");
      }
      String name = arg.substring(2);
      String inline = null;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        inline = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      if (switches.contains(name) && inline == null) {
        parsed.flags.add(name);
      } else if (options.contains(name)) {
        String value = inline;
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(command + ": --" + name + " needs a value");
          }
          value = args[++i];
        }
        parsed.values.put(name, value);
      } else {
        throw new IllegalArgumentException(
            command + ": unknown option --" + name + "; accepted: " + describe(options, switches));
      }
    }
    return parsed;
  }

  private static String describe(List<String> options, List<String> switches) {
    StringBuilder out = new StringBuilder();
    options.forEach(o -> out.append("--").append(o).append(" V "));
    switches.forEach(s -> out.append("--").append(s).append(' '));
    return out.toString().trim();
  }

  public String required(String name) {
    String value = values.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(command + ": --" + name + " is required");
    }
    return value;
  }

  public String optional(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public int integer(String name, int fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          command + ": --" + name + " must be an integer, got '" + value + "'");
    }
  }

  public long longValue(String name, long fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          command + ": --" + name + " must be an integer, got '" + value + "'");
    }
  }

  public double decimal(String name, double fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          command + ": --" + name + " must be a number, got '" + value + "'");
    }
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }
}
