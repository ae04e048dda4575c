package io.netpolguard.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.util.Set;
import picocli.CommandLine;

/**
 * One artifact, two ways to run: with no command it serves the webhook; with a command name it runs
 * that command and exits. Commands do not open the HTTP port.
 */
@QuarkusMain
public class Main implements QuarkusApplication {
    static final Set<String> OFFLINE_COMMANDS = Set.of("probe", "check", "review", "help", "--help", "-h", "--version",
            "-V");

    @Inject
    CommandLine.IFactory factory;

    public static void main(String... args) {
        if (args.length > 0 && OFFLINE_COMMANDS.contains(args[0])) {
            System.setProperty("quarkus.http.host-enabled", "false");
        }
        Quarkus.run(Main.class, args);
    }

    @Override
    public int run(String... args) throws Exception {
        return CommandLines.create(factory.create(NetpolGuardCommand.class), factory).execute(args);
    }
}
