package io.netpolguard.cli;

import io.netpolguard.cluster.ClusterObjects;
import java.util.List;

/**
 * A cluster as a command read it: its objects, what could not be read (kinds the user may not list in a live
 * cluster), a description for messages, and whether it came from manifest files (so findings can point at them).
 */
public record ClusterInput(ClusterObjects objects, List<String> problems, String description, boolean fromManifests) {
    public ClusterInput {
        problems = List.copyOf(problems);
    }
}
