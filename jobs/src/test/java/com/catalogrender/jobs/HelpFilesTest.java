package com.catalogrender.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ./submit.sh COMMAND --help} prints {@code jobs/help/COMMAND.txt} without building or
 * starting anything; those files must be what the parsing code says. Regenerate them with {@code
 * mvn -pl jobs test -Dtest=HelpFilesTest -Dhelp.update=true}.
 */
class HelpFilesTest {
  private static final Path HELP = Path.of("help");

  @Test
  void theCommittedHelpFilesAreWhatTheParserPrints() throws IOException {
    CommandLine cli = Main.commandLine();
    check("submit.sh", usage(cli));
    for (Map.Entry<String, CommandLine> command : cli.getSubcommands().entrySet()) {
      check(command.getKey(), usage(command.getValue()));
    }
  }

  private static String usage(CommandLine cli) {
    return cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  private static void check(String name, String expected) throws IOException {
    Path file = HELP.resolve(name + ".txt");
    if (Boolean.getBoolean("help.update")) {
      Files.createDirectories(HELP);
      Files.writeString(file, expected);
    }
    String committed = Files.isRegularFile(file) ? Files.readString(file) : "(missing)";
    assertEquals(
        expected,
        committed,
        file
            + " differs from what the parser prints; regenerate it: mvn -pl jobs test"
            + " -Dtest=HelpFilesTest -Dhelp.update=true");
  }
}
