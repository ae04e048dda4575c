package io.netpolguard.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The chart charts/netpol-guard rendered and linted by the real helm ({@link BuiltTool}). */
final class Helm {
    static final String CHART = "charts/netpol-guard";
    /** helm template assumes Kubernetes 1.20 without a cluster; the chart needs 1.28 or later. */
    static final String KUBE_VERSION = "1.37.2";

    private Helm() {
    }

    /** {@code helm template} into namespace netpol-guard with the given extra arguments; fails unless it renders. */
    static List<ObjectNode> template(List<String> args) {
        BuiltTool.Result result = templateResult(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("helm template failed: " + result.describe());
        }
        return objects(result.out());
    }

    static BuiltTool.Result templateResult(List<String> args) {
        List<String> command = new ArrayList<>(List.of("template", "netpol-guard", CHART, "--namespace",
                InstallChecks.NAMESPACE, "--kube-version", KUBE_VERSION));
        command.addAll(args);
        return BuiltTool.run("helm", command.toArray(String[]::new));
    }

    static BuiltTool.Result lint(List<String> args) {
        List<String> command = new ArrayList<>(List.of("lint", "--strict", CHART, "--namespace", InstallChecks.NAMESPACE,
                "--kube-version", KUBE_VERSION));
        command.addAll(args);
        return BuiltTool.run("helm", command.toArray(String[]::new));
    }

    /** The objects of a multi-document YAML stream. */
    static List<ObjectNode> objects(String yaml) {
        List<ObjectNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = Kustomize.YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document instanceof ObjectNode object) {
                    objects.add(object);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }
}
