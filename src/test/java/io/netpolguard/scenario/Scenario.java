package io.netpolguard.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpolguard.admission.AdmissionHandler;
import io.netpolguard.admission.AdmissionRequestReader;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import io.netpolguard.dynatrace.DynatraceSettings;
import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.HostResolver;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.guard.FlowResult;
import io.netpolguard.guard.Guard;
import io.netpolguard.guard.GuardSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scenario directory: the cluster before the change (manifests), the AdmissionReview request the
 * API server would send, and what the guard must answer ({@link Expectation}). Everything here is
 * data: the webhook and e2e tests reuse the same directories through {@link #clusterPaths()},
 * {@link #manifests()}, {@link #request()}, {@link #hostArguments()} and
 * {@link Expectation#assertReview(JsonNode)}.
 *
 * @param clusterPaths the manifest directories in load order: each {@code clusters:} entry, then {@code cluster/}
 */
public record Scenario(String name, Path directory, String description, List<Path> clusterPaths,
        Map<String, List<InetAddress>> hosts, GuardSettings settings, Expectation expectation) {

    public static final String REQUEST_FILE = "request.json";

    public Path requestFile() {
        return directory.resolve(REQUEST_FILE);
    }

    /** The AdmissionReview request exactly as stored. */
    public byte[] request() {
        try {
            return Files.readAllBytes(requestFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request's uid, which every response must echo. */
    public String uid() {
        try {
            return Manifests.JSON.readTree(request()).path("request").path("uid").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The before-cluster's objects in load order. An object with the same apiVersion group, kind,
     * namespace and name as an earlier one replaces it in place (as {@code kubectl apply} of the
     * directories in order would).
     */
    public List<Manifests.Document> manifests() {
        Map<String, Manifests.Document> byIdentity = new LinkedHashMap<>();
        for (Path file : Manifests.files(clusterPaths)) {
            for (Manifests.Document document : Manifests.read(file)) {
                JsonNode node = document.node();
                String apiVersion = node.path("apiVersion").asText("");
                String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
                String identity = group + "/" + node.path("kind").asText() + "/"
                        + node.path("metadata").path("namespace").asText("") + "/"
                        + node.path("metadata").path("name").asText();
                byIdentity.remove(identity);
                byIdentity.put(identity, document);
            }
        }
        return List.copyOf(byIdentity.values());
    }

    /** The before-cluster; fails if a manifest has a kind the checks skip (a typo in a fixture). */
    public ClusterSnapshot snapshot() {
        List<String> skipped = new ArrayList<>();
        SnapshotBuilder builder = new SnapshotBuilder(skipped::add);
        for (Manifests.Document document : manifests()) {
            builder.add(document.node(), document.origin());
        }
        if (!skipped.isEmpty()) {
            throw new IllegalStateException("scenario " + name + ": manifests the reader skips: " + skipped);
        }
        return builder.build();
    }

    /** The guard the scenario is judged by: the standard catalogue, default Dynatrace settings, offline hosts. */
    public Guard guard() {
        return new Guard(new RequiredFlows(FlowCatalogue.standard(), DynatraceSettings.defaults(),
                HostResolver.offline(hosts)), settings);
    }

    /** The hosts as {@code --host NAME=IP[,IP]} arguments, for the CLI. */
    public List<String> hostArguments() {
        List<String> arguments = new ArrayList<>();
        hosts.forEach((host, addresses) -> {
            arguments.add("--host");
            arguments.add(host + "=" + String.join(",", addresses.stream().map(InetAddress::getHostAddress).toList()));
        });
        return arguments;
    }

    /** {@code --cluster} for each manifest directory, the hosts and {@code --no-dns}: the CLI's view of the scenario. */
    public List<String> cliArguments() {
        List<String> arguments = new ArrayList<>();
        for (Path path : clusterPaths) {
            arguments.add("--cluster");
            arguments.add(path.toString());
        }
        arguments.addAll(hostArguments());
        arguments.add("--no-dns");
        return arguments;
    }

    /**
     * Whether the command line ({@link #cliArguments()}, default settings) sees the same cluster: the CLI keeps
     * the last NetworkPolicy or Namespace of a name, but would add a second DynaKube or workload instead of
     * replacing it, and it has no options for the guard settings.
     */
    public boolean reproducibleByCli() {
        if (!settings.equals(GuardSettings.defaults())) {
            return false;
        }
        Path own = directory.resolve("cluster");
        return !Files.isDirectory(own) || Manifests.files(List.of(own)).stream().flatMap(f -> Manifests.read(f).stream())
                .allMatch(d -> Set.of("NetworkPolicy", "Namespace").contains(d.node().path("kind").asText()));
    }

    /** Runs the request through the admission handler, as the webhook would; returns the AdmissionReview response. */
    public JsonNode review() {
        AdmissionHandler.Outcome outcome = new AdmissionHandler(guard()).handle(AdmissionRequestReader.read(request()),
                snapshot());
        return Manifests.JSON.valueToTree(outcome.response());
    }

    /** Every required flow of the before-cluster with its status, keyed as reports show it. */
    public List<FlowResult> check() {
        return guard().check(snapshot());
    }

    /** Runs the request and asserts the expectation. */
    public void verify() {
        expectation.assertReview(review(), uid());
        if (!expectation.check().isEmpty()) {
            expectation.assertCheck(Expectation.statuses(check()));
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
