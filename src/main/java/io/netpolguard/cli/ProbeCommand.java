package io.netpolguard.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code probe}: is each listed connection allowed by the NetworkPolicies of the given cluster? The probes file is
 * streamed, never held: a first pass reads and resolves every probe (so that a bad one is exit 2 before anything is
 * printed), a second judges and prints each in turn; the text output reads it a third time for the explanations
 * that follow its table.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Judges connections between pods and addresses against the NetworkPolicies of a cluster given as "
                + "manifests (or the live cluster when asked with --live, --kubeconfig or --context).",
        footer = {"%nThe probes file is YAML or JSON: a list of {from, to, port, protocol}.",
                "from/to: namespace/pod-name (a Pod of the cluster) or an IPv4/IPv6 address (a Pod's address means that Pod).",
                "port: a number, or a port name declared by the destination pod. protocol: TCP (default), UDP or SCTP.",
                "%nThe file is read as a stream, in two passes: every probe is checked before any result is printed, so a "
                        + "bad probe prints nothing but one line naming it (exit 2); memory does not grow with the number of probes.",
                "%nExit codes: 0 results printed, 2 bad input."})
public class ProbeCommand implements Callable<Integer> {
    private enum Explain { NONE, BLOCKED, ALL }

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
        ProbeTargets targets = new ProbeTargets(snapshot);
        int[] widths = {"FROM".length(), "TO".length(), "PORT".length()};
        ProbeFile probes = ProbeFile.check(probesFile, probe -> {
            probe.toConnection(targets);
            widths[0] = Math.max(widths[0], probe.from().length());
            widths[1] = Math.max(widths[1], probe.to().length());
            widths[2] = Math.max(widths[2], port(probe).length());
        });
        PolicyEngine engine = snapshot.engine();
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            try (SequenceWriter array = Json.MAPPER.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                    .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE).writeValuesAsArray(out)) {
                probes.forEach(probe -> {
                    try {
                        array.write(judge(probe, targets, engine, Explain.ALL).toJson());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            out.println();
        } else {
            text(probes, targets, engine, widths, out);
        }
        out.flush();
        return CommandLines.EXIT_OK;
    }

    /** A table of verdicts, then the explanation of each blocked probe. */
    private static void text(ProbeFile probes, ProbeTargets targets, PolicyEngine engine, int[] widths, PrintWriter out) {
        BitSet blocked = new BitSet();
        out.println(row(widths, "FROM", "TO", "PORT", "VERDICT"));
        probes.forEach(probe -> {
            boolean allowed = judge(probe, targets, engine, Explain.NONE).allowed();
            out.println(row(widths, probe.from(), probe.to(), port(probe), allowed ? "allowed" : "blocked"));
            blocked.set(probe.number(), !allowed);
        });
        if (blocked.isEmpty()) {
            return;
        }
        out.println();
        probes.forEach(probe -> {
            if (blocked.get(probe.number())) {
                out.println("probe " + probe.number() + " " + probe.from() + " -> " + probe.to() + ":");
                judge(probe, targets, engine, Explain.BLOCKED).explanation().lines().forEach(line -> out.println("  " + line));
            }
        });
    }

    private static String port(Probe probe) {
        return probe.protocol() + "/" + probe.port().asText();
    }

    private static String row(int[] widths, String from, String to, String port, String verdict) {
        return pad(from, widths[0]) + pad(to, widths[1]) + pad(port, widths[2]) + verdict;
    }

    private static String pad(String cell, int width) {
        return cell + " ".repeat(width - cell.length() + 2);
    }

    /** A probe to a Service is judged on each of its endpoints: allowed when every one is. */
    private static ProbeResult judge(Probe probe, ProbeTargets targets, PolicyEngine engine, Explain explain) {
        Connection connection = probe.toConnection(targets);
        var service = ServiceTranslation.of(connection, targets);
        if (service.isEmpty()) {
            Verdict verdict = engine.evaluate(connection);
            boolean explained = explain == Explain.ALL || explain == Explain.BLOCKED && !verdict.allowed();
            return new ProbeResult(probe, verdict.allowed(), explained ? verdict.explanation() : "");
        }
        List<String> lines = new ArrayList<>(List.of(service.get().note()));
        boolean allowed = !service.get().connections().isEmpty();
        for (Connection translated : service.get().connections()) {
            Verdict verdict = engine.evaluate(translated);
            allowed &= verdict.allowed();
            if (explain == Explain.ALL || explain == Explain.BLOCKED && !verdict.allowed()) {
                lines.add(translated.describe() + ": " + verdict.explanation().replace("\n", "\n  "));
            }
        }
        boolean explained = explain == Explain.ALL || explain == Explain.BLOCKED && !allowed;
        return new ProbeResult(probe, allowed, explained ? String.join("\n", lines) : "");
    }
}
