package io.netpolguard.cli;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.SnapshotBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --cluster} and {@code --verbose}: the manifests that make up the cluster a command looks at. */
public class ClusterOptions {

    @Option(names = "--cluster", required = true, paramLabel = "<file-or-dir>",
            description = "Manifest file or directory (recursive; YAML or JSON). Repeatable.")
    List<Path> paths;

    @Option(names = {"-v", "--verbose"}, description = "Mention skipped objects on standard error.")
    boolean verbose;

    /** The paths as given, for messages. */
    public String describe() {
        return String.join(", ", paths.stream().map(Path::toString).toList());
    }

    public ClusterSnapshot snapshot(PrintWriter err) {
        return new SnapshotBuilder(skipped -> {
            if (verbose) {
                err.println(skipped);
                err.flush();
            }
        }).addFiles(paths).build();
    }
}
