package io.netpolguard.cli;

import io.netpolguard.cluster.ManifestException;
import io.netpolguard.live.UnreadableClusterException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Builds the command line with the project's error handling: one readable line on stderr, never a stack trace. */
public final class CommandLines {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FINDINGS = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_INTERNAL = 3;

    private CommandLines() {
    }

    public static CommandLine create(Object command, CommandLine.IFactory factory) {
        CommandLine commandLine = factory == null ? new CommandLine(command) : new CommandLine(command, factory);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof ManifestException || e instanceof InputException || e instanceof IllegalArgumentException
                    || e instanceof UnreadableClusterException) {
                err.println("error: " + e.getMessage());
                err.flush();
                return EXIT_BAD_INPUT;
            }
            err.println("internal error: " + e + " (please report it)");
            err.flush();
            return EXIT_INTERNAL;
        });
        return commandLine;
    }
}
