package io.netpolguard.cli;

import io.netpolguard.server.GuardServer;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;

/** The top command: with no subcommand, serve the admission webhook until stopped. */
@Command(name = "netpol-guard", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Keeps NetworkPolicy and DynaKube changes from breaking the flows the Dynatrace Operator needs.%n"
                + "Without a command it serves the admission webhook.",
        subcommands = {ProbeCommand.class, CheckCommand.class, ReviewCommand.class, ConnectivityCommand.class})
public class NetpolGuardCommand implements Runnable {

    @Inject
    GuardServer server;

    @Override
    public void run() {
        server.start();
        Quarkus.waitForExit();
    }
}
