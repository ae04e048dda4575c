package io.netpolguard.cli;

import io.netpolguard.config.CommandConfig;
import io.netpolguard.config.GuardFactory;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top command. Without any argument {@link Main} serves the admission webhook instead. */
@Command(name = "netpol-guard", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Keeps NetworkPolicy and DynaKube changes from breaking the flows the Dynatrace Operator needs.%n"
                + "Without a command it serves the admission webhook.",
        subcommands = {ProbeCommand.class, CheckCommand.class, ReviewCommand.class, ConnectivityCommand.class})
public class NetpolGuardCommand implements Runnable {

    @Spec
    CommandSpec spec;

    private final Supplier<GuardFactory> factory;

    /** Configuration from system properties, environment variables and application.properties, read on first use. */
    public NetpolGuardCommand() {
        this(CommandConfig::guardFactory);
    }

    public NetpolGuardCommand(Supplier<GuardFactory> factory) {
        this.factory = factory;
    }

    /** The configured factory; a configuration error is one line naming the property (exit code 2). */
    GuardFactory guardFactory() {
        try {
            return factory.get();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(StartupFailure.describe(e), e);
        }
    }

    /** Reached only with options and no command (such as {@code --}): the webhook is served with no argument at all. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: probe, check or review "
                + "(netpol-guard without any argument serves the webhook)");
    }
}
