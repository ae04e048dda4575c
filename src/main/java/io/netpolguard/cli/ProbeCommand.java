package io.netpolguard.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SequenceWriter;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code probe}: is each listed connection allowed by the NetworkPolicies of the given cluster? */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Judges connections between pods and addresses against the NetworkPolicies of a cluster given as manifests.",
        footer = {"%nThe probes file is YAML or JSON: a list of {from, to, port, protocol}.",
                "from/to: namespace/pod-name (a Pod in the manifests) or an IPv4/IPv6 address (a Pod's address means that Pod).",
                "port: a number, or a port name declared by the destination pod. protocol: TCP (default), UDP or SCTP.",
                "%nExit codes: 0 results printed, 2 bad input."})
public class ProbeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--probes", required = true, paramLabel = "<file>", description = "YAML or JSON list of probes.")
    Path probesFile;

    @Option(names = "--output", defaultValue = "text", paramLabel = "json|text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Override
    public Integer call() throws IOException {
        ClusterSnapshot snapshot = cluster.snapshot(spec.commandLine().getErr());
        List<Probe> probes = Probe.readAll(probesFile);
        // Resolve every probe before printing anything: a bad probe is exit 2 with no partial output.
        List<Connection> connections = new ArrayList<>(probes.size());
        for (int i = 0; i < probes.size(); i++) {
            connections.add(probes.get(i).toConnection(snapshot, i + 1));
        }
        PolicyEngine engine = snapshot.engine();
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            // Streamed, one element at a time: 100,000 probes do not have to fit in memory as one string.
            try (SequenceWriter array = Json.MAPPER.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                    .writeValuesAsArray(out)) {
                for (int i = 0; i < probes.size(); i++) {
                    array.write(judge(probes.get(i), connections.get(i), engine, snapshot, true).toJson());
                }
            }
            out.println();
        } else {
            List<ProbeResult> results = new ArrayList<>(probes.size());
            for (int i = 0; i < probes.size(); i++) {
                results.add(judge(probes.get(i), connections.get(i), engine, snapshot, false));
            }
            ProbeResult.printTable(results, out);
        }
        out.flush();
        return CommandLines.EXIT_OK;
    }

    /** A probe to a Service is judged on each of its endpoints: allowed when every one is. */
    private static ProbeResult judge(Probe probe, Connection connection, PolicyEngine engine, ClusterSnapshot snapshot,
            boolean explainAllowed) {
        var service = ServiceTranslation.of(connection, snapshot);
        if (service.isEmpty()) {
            Verdict verdict = engine.evaluate(connection);
            return new ProbeResult(probe, verdict.allowed(),
                    verdict.allowed() && !explainAllowed ? "" : verdict.explanation());
        }
        List<String> lines = new ArrayList<>(List.of(service.get().note()));
        boolean allowed = !service.get().connections().isEmpty();
        for (Connection translated : service.get().connections()) {
            Verdict verdict = engine.evaluate(translated);
            allowed &= verdict.allowed();
            if (explainAllowed || !verdict.allowed()) {
                lines.add(translated.describe() + ": " + verdict.explanation().replace("\n", "\n  "));
            }
        }
        return new ProbeResult(probe, allowed, allowed && !explainAllowed ? "" : String.join("\n", lines));
    }
}
