package io.netpolguard.property;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netpolguard.admission.AdmissionRequest;
import io.netpolguard.admission.AdmissionRequestReader;
import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ChangeProjector;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import io.netpolguard.dynatrace.DynaKubeReader;
import io.netpolguard.dynatrace.DynatraceSettings;
import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.HostResolver;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.dynatrace.Severity;
import io.netpolguard.guard.ConnectionResult;
import io.netpolguard.guard.Decision;
import io.netpolguard.guard.Finding;
import io.netpolguard.guard.FlowResult;
import io.netpolguard.guard.FlowStatus;
import io.netpolguard.guard.Guard;
import io.netpolguard.guard.GuardSettings;
import io.netpolguard.guard.Judgement;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.property.GuardCase.ChangeSpec;
import io.netpolguard.property.GuardCase.State;
import io.netpolguard.property.GuardCase.Step;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 §2, "the fast path equals the slow path": on generated clusters and changes ({@link GuardGen}), every
 * {@link Guard#judge} (incremental for policy changes, verdicts reused for DynaKube changes, one long-lived guard
 * whose caches stay warm across the changes, after-states projected by {@link ChangeProjector}) equals a
 * reference computed from scratch: both snapshots rebuilt from their manifests, the required flows derived by a
 * fresh {@link RequiredFlows}, every connection evaluated by the engine, and the findings and decision worked
 * out from the documented rules (README, "What the guard decides").
 */
class GuardPropertyTest {
    static final int TRIES = 300;
    private static final String TENANT = "abc12345.live.dynatrace.com";
    /** Judgements compared, and how many of them had newly blocked flows: the property is not vacuous. */
    private static final int[] JUDGED_BLOCKING = new int[2];

    @Test
    void incrementalJudgementEqualsJudgementFromScratch() {
        int ran = PropertyRunner.check("guard equals reference", TRIES, GuardGen::generate, GuardCase::shrinks,
                GuardPropertyTest::assertAgrees);
        assertThat(ran).isEqualTo(PropertyRunner.tries(TRIES));
        System.out.printf("guard property: %d judgements compared, %d with newly blocked flows%n", JUDGED_BLOCKING[0],
                JUDGED_BLOCKING[1]);
        assertThat(JUDGED_BLOCKING[1]).isGreaterThan(ran / 10);
    }

    static void assertAgrees(GuardCase input) {
        Guard guard = new Guard(requiredFlows(input), GuardSettings.defaults());
        State state = input.initial();
        ClusterSnapshot current = snapshot(input, state);
        if (input.steps().size() % 2 == 0) {
            guard.check(current); // the periodic audit warms the caches too
        }
        for (int i = 0; i < input.steps().size(); i++) {
            Step step = input.steps().get(i);
            AdmissionRequest request = AdmissionRequestReader.read(review(step.change(), state));
            Change change = request.change();
            if (change == null) {
                assertThat(request.skipReason()).as("step %d", i + 1).contains("labels did not change");
            } else {
                State after = state.apply(step.change());
                Expected expected = reference(input, snapshot(input, state), snapshot(input, after), change);
                Judgement judgement = guard.judge(current, change);
                assertThat(Actual.of(judgement)).as("change %d: %s", i + 1, step.change()).isEqualTo(expected.actual());
                assertVerdictsMatchStatuses(judgement);
                JUDGED_BLOCKING[0]++;
                JUDGED_BLOCKING[1] += judgement.newlyBlockedFlowIds().isEmpty() ? 0 : 1;
            }
            if (step.advance()) {
                state = state.apply(step.change());
                current = change == null ? current : ChangeProjector.apply(current, change);
            }
        }
    }

    /**
     * A status known before its verdict is made (a connection judged by the outcome of its group) is the status of
     * the verdict made when someone reads it.
     */
    static void assertVerdictsMatchStatuses(Judgement judgement) {
        for (Finding finding : judgement.findings()) {
            FlowResult result = finding.result();
            for (int c = 0; c < result.connections().size(); c++) {
                FlowStatus known = result.statusAt(c);
                ConnectionResult connection = result.connections().get(c);
                assertThat(connection.status()).as("%s", connection.connection().key()).isEqualTo(known);
                if (connection.verdict() != null) {
                    assertThat(connection.status()).isEqualTo(switch (connection.verdict().outcome()) {
                        case ALLOWED -> FlowStatus.ALLOWED;
                        case BLOCKED -> FlowStatus.BLOCKED;
                        case UNDETERMINED -> FlowStatus.UNVERIFIABLE;
                    });
                }
            }
        }
    }

    /** What is compared: decision, blocked-flows annotation, and every finding as {@code KIND flow-key}. */
    record Actual(Decision decision, String blockedFlows, List<String> findings) {
        static Actual of(Judgement judgement) {
            return new Actual(judgement.decision(), judgement.auditAnnotations().get("blocked-flows"),
                    judgement.findings().stream().map(f -> f.kind() + " " + f.result().flow().key()).sorted().toList());
        }
    }

    record Expected(Actual actual) {
    }

    /** The judgement from scratch: fresh flows on fresh snapshots, every connection evaluated. */
    static Expected reference(GuardCase input, ClusterSnapshot before, ClusterSnapshot after, Change change) {
        Map<String, Status> was = statuses(requiredFlows(input).derive(before), before.engine());
        Map<String, Status> is = statuses(requiredFlows(input).derive(after), after.engine());
        List<String> findings = new ArrayList<>();
        List<String> newlyBlocked = new ArrayList<>();
        boolean deny = false;
        boolean enforced = !"DynaKube".equals(change.kind());
        for (Map.Entry<String, Status> entry : is.entrySet()) {
            Status previous = was.get(entry.getKey());
            Status status = entry.getValue();
            if (status.value == Outcome.BLOCKED && (previous == null || previous.value != Outcome.BLOCKED)) {
                findings.add("NEWLY_BLOCKED " + entry.getKey());
                newlyBlocked.add(status.id);
                deny |= enforced && status.severity == Severity.CRITICAL;
            } else if (status.value == Outcome.BLOCKED && inScope(change, status)) {
                findings.add("STILL_BLOCKED " + entry.getKey());
            } else if (status.value == Outcome.UNDETERMINED && (previous == null || previous.value == Outcome.ALLOWED)) {
                findings.add("NEWLY_UNVERIFIABLE " + entry.getKey());
            }
        }
        was.forEach((key, status) -> {
            if (status.value == Outcome.BLOCKED && is.containsKey(key) && is.get(key).value != Outcome.BLOCKED) {
                findings.add("UNBLOCKED " + key);
            }
        });
        boolean problems = change instanceof Change.DynatraceChange dk
                && !DynaKubeReader.read(dk.object()).problems().isEmpty();
        boolean concerns = findings.stream().anyMatch(f -> !f.startsWith("UNBLOCKED")) || problems;
        Decision decision = deny ? Decision.DENY : concerns ? Decision.WARN : Decision.ALLOW;
        String blocked = newlyBlocked.isEmpty() ? null : String.join(",", newlyBlocked.stream().distinct().sorted().toList());
        return new Expected(new Actual(decision, blocked, findings.stream().sorted().toList()));
    }

    /**
     * A flow's status: {@code value} ALLOWED, BLOCKED or UNDETERMINED (unverifiable), null when not applicable.
     * Blocked when a connection is blocked; else unverifiable when it cannot be judged or a connection is
     * undetermined; else allowed when a connection is allowed; else not applicable.
     */
    record Status(String id, Severity severity, Outcome value, List<String> namespaces) {
    }

    /**
     * By design: a NetworkPolicy change reports as already blocked only the flows with an end in its namespace
     * (the ones it can change), where judging from scratch finds every blocked flow of the cluster; {@code
     * GuardRegressionTest#aPolicyChangeReportsOnlyTheAlreadyBlockedFlowsItTouches} pins it. Every other finding,
     * the newly blocked flows above all, is compared over all flows.
     */
    static boolean inScope(Change change, Status status) {
        return !(change instanceof Change.PolicyChange policy) || status.namespaces.contains(policy.namespace());
    }

    static Map<String, Status> statuses(List<RequiredFlow> flows, PolicyEngine engine) {
        Map<String, Status> statuses = new LinkedHashMap<>();
        for (RequiredFlow flow : flows) {
            Outcome worst = null;
            List<String> namespaces = new ArrayList<>();
            for (FlowConnection connection : flow.connections()) {
                for (var end : List.of(connection.connection().source(), connection.connection().destination())) {
                    if (end instanceof io.netpolguard.netpol.PodEndpoint pod) {
                        namespaces.add(pod.namespace());
                    }
                }
                if (!connection.outsidePolicy()) {
                    Outcome outcome = engine.evaluate(connection.connection()).outcome();
                    worst = worst == null ? outcome : worst.and(outcome);
                }
            }
            if (flow.unverifiableReason() != null) {
                worst = Outcome.UNDETERMINED;
            }
            assertThat(statuses.put(flow.key(), new Status(flow.id(), flow.definition().severity(), worst, namespaces)))
                    .as("flow keys are unique").isNull();
        }
        return statuses;
    }

    static RequiredFlows requiredFlows(GuardCase input) {
        Map<String, List<InetAddress>> hosts = new HashMap<>();
        input.hosts().forEach((host, ips) -> hosts.put(host,
                ips.stream().map(ip -> IpAddresses.parse(ip).orElseThrow()).toList()));
        return new RequiredFlows(FlowCatalogue.standard(), DynatraceSettings.defaults(), HostResolver.offline(hosts));
    }

    /** The snapshot read from scratch from the manifests of the pods, the API server and {@code state}. */
    static ClusterSnapshot snapshot(GuardCase input, State state) {
        SnapshotBuilder builder = new SnapshotBuilder(skipped -> {
            throw new IllegalStateException(skipped);
        });
        List<JsonNode> manifests = new ArrayList<>();
        state.namespaces().forEach((name, labels) -> manifests.add(namespace(name, labels)));
        input.pods().forEach(p -> manifests.add(p.manifest()));
        for (String node : List.of("172.18.0.11", "172.18.0.12")) {
            ObjectNode manifest = object("v1", "Node", null, "node-" + node.substring(node.length() - 1));
            manifest.putObject("status").putArray("addresses").addObject().put("type", "InternalIP").put("address", node);
            manifests.add(manifest);
        }
        ObjectNode service = object("v1", "Service", "default", "kubernetes");
        service.putObject("spec").put("clusterIP", "10.96.0.1").putArray("ports").addObject().put("name", "https")
                .put("port", 443).put("protocol", "TCP").put("targetPort", 6443);
        manifests.add(service);
        ObjectNode slice = object("discovery.k8s.io/v1", "EndpointSlice", "default", "kubernetes");
        slice.with("metadata").putObject("labels").put("kubernetes.io/service-name", "kubernetes");
        slice.put("addressType", "IPv4");
        input.apiServer().forEach(ip -> slice.withArray("endpoints").addObject().putArray("addresses").add(ip));
        slice.putArray("ports").addObject().put("name", "https").put("port", 6443).put("protocol", "TCP");
        manifests.add(slice);
        state.dynaKubes().forEach(d -> manifests.add(d.manifest()));
        state.policies().forEach(p -> manifests.add(p.manifest()));
        manifests.forEach(m -> builder.add(m, "generated"));
        return builder.build();
    }

    /** The AdmissionReview the API server would send for {@code change} on {@code state}. */
    static JsonNode review(ChangeSpec change, State state) {
        ObjectNode review = Manifests.JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1")
                .put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "property");
        JsonNode object;
        JsonNode oldObject = null;
        String operation = "UPDATE";
        if (change instanceof ChangeSpec.PutPolicy put) {
            object = put.policy().manifest();
            operation = put.update() ? "UPDATE" : "CREATE";
            if (put.update()) {
                oldObject = state.policies().stream().filter(p -> p.namespace().equals(put.policy().namespace())
                        && p.name().equals(put.policy().name())).findFirst().orElseThrow().manifest();
            }
            request.putObject("kind").put("group", "networking.k8s.io").put("version", "v1").put("kind", "NetworkPolicy");
        } else if (change instanceof ChangeSpec.DeletePolicy delete) {
            object = null;
            oldObject = delete.policy().manifest();
            operation = "DELETE";
            request.putObject("kind").put("group", "networking.k8s.io").put("version", "v1").put("kind", "NetworkPolicy");
        } else if (change instanceof ChangeSpec.NamespaceLabels labels) {
            object = namespace(labels.namespace(), labels.labels());
            oldObject = namespace(labels.namespace(), state.namespaces().get(labels.namespace()));
            request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Namespace");
        } else {
            ChangeSpec.UpdateDynaKube update = (ChangeSpec.UpdateDynaKube) change;
            object = update.dynaKube().manifest();
            oldObject = state.dynaKubes().stream().filter(d -> d.name().equals(update.dynaKube().name())).findFirst()
                    .orElseThrow().manifest();
            request.putObject("kind").put("group", "dynatrace.com").put("version", "v1beta6").put("kind", "DynaKube");
        }
        JsonNode named = object != null ? object : oldObject;
        request.put("operation", operation).put("name", named.path("metadata").path("name").asText())
                .put("namespace", named.path("metadata").path("namespace").asText(""));
        request.set("object", object);
        request.set("oldObject", oldObject);
        return review;
    }

    private static ObjectNode namespace(String name, Map<String, String> labels) {
        ObjectNode namespace = object("v1", "Namespace", null, name);
        new TreeMap<>(labels).forEach(namespace.with("metadata").putObject("labels")::put);
        return namespace;
    }

    private static ObjectNode object(String apiVersion, String kind, String namespace, String name) {
        ObjectNode object = Manifests.JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
        ObjectNode metadata = object.putObject("metadata").put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        return object;
    }
}
