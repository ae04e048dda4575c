package io.netpolguard.cli;

import io.netpolguard.cluster.ClusterObjects;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.guard.Guard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code check}: every flow the Dynatrace Operator needs in a cluster, with its status; or what manifests would change. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Lists every flow the Dynatrace Operator needs in a cluster (manifests, or the live cluster when "
                + "asked), with its status (allowed, blocked, unverifiable, not-applicable) and why. With --diff: the "
                + "flows that applying the manifests would block, unblock or make unverifiable.",
        footer = {"%nExit codes: 0 no critical flow blocked (--diff: none becomes blocked), 1 a critical flow is blocked "
                + "(--diff: becomes blocked), 2 bad input or a cluster that cannot be read."})
public class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    NetpolGuardCommand parent;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    GuardOptions guardOptions;

    @Option(names = "--output", defaultValue = "text", paramLabel = "text|json|sarif|junit",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    CheckFormat output;

    @Option(names = "--diff", paramLabel = "<file-or-dir>", description = "Manifests to apply on top of the cluster "
            + "(same kind, namespace and name replaces, new objects add, annotation netpol-guard.io/delete: \"true\" "
            + "deletes): list the flows that change. Repeatable.")
    List<Path> diff = List.of();

    @Override
    public Integer call() {
        Guard guard = guardOptions.guard(parent.guardFactory());
        if (!diff.isEmpty() && (output == CheckFormat.sarif || output == CheckFormat.junit)) {
            throw new InputException("--output " + output + " lists findings of one cluster; with --diff use text or json");
        }
        PrintWriter err = spec.commandLine().getErr();
        ClusterInput input = cluster.read();
        CheckReport report = report(guard, input, err);
        PrintWriter out = spec.commandLine().getOut();
        if (!diff.isEmpty()) {
            ClusterInput applied = new ClusterInput(input.objects().apply(ClusterObjects.read(diff)), input.problems(),
                    input.description() + " with " + String.join(", ", diff.stream().map(Path::toString).toList())
                            + " applied", input.fromManifests());
            CheckDiff changes = CheckDiff.of(report, report(guard, applied, err));
            if (output == CheckFormat.json) {
                out.println(Json.pretty(changes.json()));
            } else {
                changes.text(out);
            }
            out.flush();
            return changes.criticalBlocked() ? CommandLines.EXIT_FINDINGS : CommandLines.EXIT_OK;
        }
        switch (output) {
            case json -> out.println(Json.pretty(report.json()));
            case sarif -> out.println(Json.pretty(SarifReport.of(report, new VersionProvider().getVersion()[0]
                    .replace("netpol-guard ", ""), Path.of("").toAbsolutePath())));
            case junit -> out.print(JunitReport.of(report));
            case text -> report.text(out);
        }
        out.flush();
        return report.criticalBlocked() ? CommandLines.EXIT_FINDINGS : CommandLines.EXIT_OK;
    }

    private CheckReport report(Guard guard, ClusterInput input, PrintWriter err) {
        ClusterSnapshot snapshot = cluster.snapshot(input, err);
        if (!guard.hasAnythingToCheck(snapshot)) {
            throw new InputException("no Dynatrace Operator in " + input.description() + ": no pods with the operator's or "
                    + "its webhook's labels, no DynaKube or EdgeConnect, and no netpol-guard pods"
                    + (input.fromManifests() ? " (is the path right?)" : problemsSuffix(input)));
        }
        List<String> problems = new ArrayList<>(input.problems());
        problems.addAll(guard.problems(snapshot));
        return new CheckReport(input, guard.check(snapshot), problems, guard.explainer(snapshot), guard);
    }

    private static String problemsSuffix(ClusterInput input) {
        return input.problems().isEmpty() ? "" : " (" + String.join("; ", input.problems()) + ")";
    }
}
