package io.netpolguard.cli;

import io.netpolguard.server.GuardServer;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;

/**
 * One artifact, two ways to run: with no argument it boots Quarkus and serves the webhook; with any
 * argument it runs that command on plain picocli and exits, without Quarkus, its CDI container, a web
 * server or a Kubernetes client (so a command, even a mistyped one, never opens a port).
 */
@QuarkusMain
public class Main implements QuarkusApplication {
    @Inject
    GuardServer server;

    public static void main(String... args) {
        if (args.length > 0) {
            // as the Quarkus launcher does: else the log manager of lib/boot complains on stderr when a library logs
            if (System.getProperty("java.util.logging.manager") == null) {
                System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
            }
            // picocli would look for Groovy's Closure class, in vain, in every jar of the class path
            System.setProperty("picocli.disable.closures", "true");
            System.exit(CommandLines.create(new NetpolGuardCommand(), null).execute(args));
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
    public int run(String... args) {
        server.start();
        Quarkus.waitForExit();
        return CommandLines.EXIT_OK;
    }
}
