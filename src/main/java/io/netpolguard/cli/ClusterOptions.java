package io.netpolguard.cli;

import io.netpolguard.cluster.ClusterObjects;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.live.ClusterListing;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the cluster a command looks at comes from: manifests ({@code --cluster}, the default way, nothing is contacted)
 * or, only when asked with {@code --live}, {@code --kubeconfig} or {@code --context}, the live cluster. The Kubernetes
 * client is loaded only then.
 */
public class ClusterOptions {

    @Option(names = "--cluster", paramLabel = "<file-or-dir>",
            description = "Manifest file or directory (recursive; YAML or JSON). Repeatable.")
    List<Path> paths = List.of();

    @Option(names = "--live", description = "Read the live cluster: KUBECONFIG or ~/.kube/config (its current context), "
            + "else the service account of the pod this runs in.")
    boolean live;

    @Option(names = "--kubeconfig", paramLabel = "<file>", description = "Read the live cluster of this kubeconfig.")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "<name>", description = "Read the live cluster of this kubeconfig context.")
    String context;

    @Option(names = {"-v", "--verbose"}, description = "Mention skipped objects on standard error.")
    boolean verbose;

    /** The cluster as given: manifests, or the live cluster when asked. */
    public ClusterInput read() {
        boolean liveAsked = live || kubeconfig != null || context != null;
        if (liveAsked == !paths.isEmpty()) {
            throw new InputException(liveAsked ? "give either --cluster or --live/--kubeconfig/--context, not both"
                    : "no cluster given: --cluster <file-or-dir> (manifests), or --live, --kubeconfig <file> or "
                    + "--context <name> (the live cluster)");
        }
        if (!liveAsked) {
            return new ClusterInput(ClusterObjects.read(paths), List.of(), String.join(", ",
                    paths.stream().map(Path::toString).toList()), true);
        }
        ClusterListing.Result listing = ClusterListing.read(kubeconfig, context);
        return new ClusterInput(listing.objects(), listing.problems(), "the live cluster at " + listing.server(), false);
    }

    public ClusterSnapshot snapshot(ClusterInput input, PrintWriter err) {
        return input.objects().snapshot(skipped -> {
            if (verbose) {
                err.println(skipped);
                err.flush();
            }
        });
    }

    /** The cluster as given, as a snapshot; the problems of reading a live cluster go to standard error. */
    public ClusterSnapshot snapshot(PrintWriter err) {
        ClusterInput input = read();
        input.problems().forEach(problem -> err.println("warning: " + problem));
        err.flush();
        return snapshot(input, err);
    }
}
