package io.netpolguard.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import picocli.CommandLine;

/**
 * One artifact, two ways to run: with no command it serves the webhook; with a command name it runs
 * that command and exits. Commands open no port: neither the HTTP/HTTPS ports nor the management
 * interface (health, metrics).
 */
@QuarkusMain
public class Main implements QuarkusApplication {
    @Inject
    CommandLine.IFactory factory;

    public static void main(String... args) {
        if (args.length > 0) {
            // a command, or a mistyped one: never open a port for it
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.management.host-enabled", "false");
        }
        Quarkus.run(Main.class, Main::exit, args);
    }

    /** Start-up failures (bad configuration) end in one line on standard error and exit code 2, no stack trace. */
    private static void exit(int code, Throwable failure) {
        if (failure != null) {
            System.err.println("error: " + StartupFailure.describe(failure));
            System.exit(CommandLines.EXIT_BAD_INPUT);
        }
        System.exit(code);
    }

    @Override
    public int run(String... args) throws Exception {
        return CommandLines.create(factory.create(NetpolGuardCommand.class), factory).execute(args);
    }
}
