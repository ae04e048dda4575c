package io.netpolguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.scenario.Scenario;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/** Runs a netpol-guard command in-process with captured output (never without a command: that serves). */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("a command is required");
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = CommandLines.create(new NetpolGuardCommand(), null);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args.toArray(String[]::new));
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    static CliRun run(String... args) {
        return run(List.of(args));
    }

    JsonNode json() {
        try {
            return Manifests.JSON.readTree(out);
        } catch (Exception e) {
            throw new AssertionError("stdout is not JSON: " + e.getMessage() + "\n" + out + "\nstderr:\n" + err);
        }
    }

    /** {@code --cluster} for each of the scenario's manifest directories, its hosts and {@code --no-dns}. */
    static List<String> clusterArguments(Scenario scenario) {
        List<String> args = new ArrayList<>();
        for (Path path : scenario.clusterPaths()) {
            args.add("--cluster");
            args.add(path.toString());
        }
        args.addAll(scenario.hostArguments());
        args.add("--no-dns");
        return args;
    }

    /**
     * Whether the command line reproduces the scenario: default settings, and a {@code cluster/} that only
     * replaces NetworkPolicies and Namespaces (the CLI keeps the last of those, but would add a second
     * DynaKube or workload instead of replacing it).
     */
    static boolean reproducible(Scenario scenario) {
        if (!scenario.settings().equals(io.netpolguard.guard.GuardSettings.defaults())) {
            return false;
        }
        Path own = scenario.directory().resolve("cluster");
        if (!own.toFile().isDirectory()) {
            return true;
        }
        return Manifests.files(List.of(own)).stream().flatMap(f -> Manifests.read(f).stream())
                .allMatch(d -> Set.of("NetworkPolicy", "Namespace").contains(d.node().path("kind").asText()));
    }
}
