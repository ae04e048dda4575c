package io.netpolguard.cli;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.SnapshotBuilder;
import io.netpolguard.connectivity.Connectivity;
import io.netpolguard.connectivity.ConnectivityMap;
import io.netpolguard.connectivity.Focus;
import io.netpolguard.connectivity.Grouping;
import io.netpolguard.connectivity.MapDiff;
import io.netpolguard.connectivity.MapFormat;
import io.netpolguard.connectivity.Progress;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code connectivity}: every connection the policies of a cluster allow, or what changed between two clusters. */
@Command(name = "connectivity", mixinStandardHelpOptions = true,
        description = "Lists every connection the policies of a cluster given as manifests allow between its workloads "
                + "and the address ranges outside it, as port ranges per protocol; with --diff, the connections added, "
                + "removed and changed between two clusters.",
        footer = {"%nA workload is namespace/Kind/name: a Deployment (the pods of its ReplicaSets), StatefulSet, DaemonSet, "
                + "Job, CronJob, or a Pod of its own. Ports are allowed for every pod pair of the two ends; "
                + "'unverifiable' ports are not blocked but cannot be judged (a policy of a kind the guard does not "
                + "evaluate, an unknown address); 'some pods only' ports connect some pod pairs and not others.",
                "%nExit codes: 0 listed (a diff: no differences), 1 a diff found differences, 2 bad input."})
public class ConnectivityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--cluster", paramLabel = "<file-or-dir>",
            description = "Manifest file or directory (recursive; YAML or JSON). Repeatable.")
    List<Path> cluster;

    @Option(names = "--diff", arity = "2", paramLabel = "<file-or-dir>",
            description = "Two clusters (manifest files or directories): what changed from the first to the second.")
    List<Path> diff;

    @Option(names = "--output", defaultValue = "text", paramLabel = "text|json|csv|md|dot",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    MapFormat output;

    @Option(names = "--focus", paramLabel = "<namespace|namespace/Kind/name>",
            description = "Only connections from or to this workload, or any workload of this namespace.")
    String focus;

    @Option(names = "--group-by", defaultValue = "workload", paramLabel = "workload|pod",
            description = "List workloads (default), or each pod on its own.")
    Grouping grouping;

    @Option(names = {"-v", "--verbose"}, description = "Mention skipped objects on standard error.")
    boolean verbose;

    @Override
    public Integer call() {
        if ((cluster == null) == (diff == null)) {
            throw new InputException("give either --cluster <file-or-dir> or --diff <file-or-dir> <file-or-dir>");
        }
        Focus focused = focus == null ? Focus.EVERYTHING : Focus.parse(focus);
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err);
        PrintWriter out = new PrintWriter(new BufferedWriter(spec.commandLine().getOut(), 1 << 16), false);
        if (cluster != null) {
            ClusterSnapshot snapshot = read(cluster, err);
            progress.say("read " + describe(cluster));
            ConnectivityMap map = Connectivity.of(snapshot, grouping, focused, progress);
            output.writer().write(map, out);
            out.flush();
            return CommandLines.EXIT_OK;
        }
        ClusterSnapshot before = read(List.of(diff.get(0)), err);
        ClusterSnapshot after = read(List.of(diff.get(1)), err);
        progress.say("read " + describe(diff));
        MapDiff changes = Connectivity.diff(before, after, grouping, focused, progress);
        output.writer().write(changes, out);
        out.flush();
        return changes.isEmpty() ? CommandLines.EXIT_OK : CommandLines.EXIT_FINDINGS;
    }

    private ClusterSnapshot read(List<Path> paths, PrintWriter err) {
        return new SnapshotBuilder(skipped -> {
            if (verbose) {
                err.println(skipped);
                err.flush();
            }
        }).addFiles(paths).build();
    }

    private static String describe(List<Path> paths) {
        return String.join(", ", paths.stream().map(Path::toString).toList());
    }
}
