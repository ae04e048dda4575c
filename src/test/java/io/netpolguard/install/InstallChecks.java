package io.netpolguard.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netpolguard.cluster.UnevaluatedKinds;
import io.netpolguard.netpol.ClusterPolicyKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every installation of the guard must be, whoever renders it: kustomize ({@code k8s/}, {@link ManifestsTest})
 * or Helm ({@code charts/netpol-guard}, the chart tests). Each check takes the rendered objects as they would be
 * applied and fails with an assertion error.
 *
 * @param objects the rendered objects
 * @param image the container image the rendering should name
 * @param replicas the number of replicas it should run
 */
record InstallChecks(List<ObjectNode> objects, String image, int replicas) {
    static final String NAMESPACE = "netpol-guard";
    static final String NAME = "netpol-guard";
    static final String POLICY_REPORTS = "netpol-guard-policy-reports";
    static final Map<String, String> POD_SELECTOR = Map.of("app.kubernetes.io/name", "netpol-guard");
    static final String BREAK_GLASS = "!(authorizer.group('netpol-guard.io').resource('breakglass').check('create')"
            + ".allowed() && !authorizer.group('netpol-guard.io').resource('wildcard-probe').check('never-granted').allowed())";
    /** The objects of every installation, as "Kind name". */
    static final Set<String> GUARD_OBJECTS = Set.of("ServiceAccount netpol-guard", "ClusterRole netpol-guard",
            "ClusterRoleBinding netpol-guard", "ClusterRole netpol-guard-break-glass",
            "ClusterRole netpol-guard-exemption-approver", "ValidatingAdmissionPolicy netpol-guard-exemption-approval",
            "ValidatingAdmissionPolicyBinding netpol-guard-exemption-approval", "Deployment netpol-guard",
            "PodDisruptionBudget netpol-guard", "Service netpol-guard", "ValidatingWebhookConfiguration netpol-guard");

    /** The defaults of {@code k8s/} and of the chart. */
    InstallChecks(List<ObjectNode> objects) {
        this(objects, "netpol-guard:latest", 2);
    }

    /** Every check of this class. */
    void all() {
        everyObjectIsThereOnce();
        everyObjectHasTheKubernetesLabels();
        everyNamespacedObjectIsInTheGuardsNamespace();
        theClusterRoleGrantsExactlyGetListWatchOnWhatTheInformersRead();
        theClusterRoleCoversEveryInformerOfLiveCluster();
        theServiceAccountIsBoundToTheClusterRole();
        thePolicyReportRbacComesExactlyWithTheReports();
        theBreakGlassClusterRoleGrantsWhatTheMatchConditionChecks();
        theExemptionPolicyCoversEveryKindTheWebhookJudgesExceptDeletes();
        theExemptionPolicyAsksForTheApproverRoleAndDisqualifiesWildcards();
        theWebhooksInterceptWhatTheGuardJudges();
        everyWebhookFailsOpenFastAndCallsTheGuardsService();
        everyWebhookHasTheBreakGlassMatchCondition();
        noWebhookExemptsTheGuardsNamespaceOrKubeSystem();
        theDeploymentRunsSpreadReplicasOfTheGuardsPods();
        theContainerServesHttpsOnlyAndIsProbedOnTheManagementPort();
        theContainerHasResourcesAndAHeapBoundToTheLimit();
        thePodIsRestricted();
        theTlsSecretIsMountedAsFilesThatTheGuardReads();
        thePodDisruptionBudgetKeepsOneGuard();
        theServiceMaps443ToHttpsAndExposesMetrics();
    }

    // --- objects and labels ----------------------------------------------------------------------

    void everyObjectIsThereOnce() {
        List<String> names = objects.stream().map(InstallChecks::kindAndName).toList();
        assertThat(names).containsAll(GUARD_OBJECTS).doesNotHaveDuplicates();
    }

    void everyObjectHasTheKubernetesLabels() {
        for (ObjectNode object : objects) {
            assertThat(stringMap(object.path("metadata").path("labels")))
                    .as(kindAndName(object))
                    .containsEntry("app.kubernetes.io/name", "netpol-guard")
                    .containsEntry("app.kubernetes.io/part-of", "netpol-guard")
                    .containsKey("app.kubernetes.io/component")
                    .containsKey("app.kubernetes.io/managed-by");
        }
    }

    void everyNamespacedObjectIsInTheGuardsNamespace() {
        for (ObjectNode object : objects) {
            if (!Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration",
                    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding").contains(object.path("kind").asText())) {
                assertThat(object.path("metadata").path("namespace").asText()).as(kindAndName(object)).isEqualTo(NAMESPACE);
            }
        }
    }

    // --- RBAC -----------------------------------------------------------------------------------

    void theClusterRoleGrantsExactlyGetListWatchOnWhatTheInformersRead() {
        Map<String, Set<String>> granted = rules(find("ClusterRole", NAME));
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String resource : List.of("namespaces", "pods", "services", "nodes", "networkpolicies.networking.k8s.io",
                "endpointslices.discovery.k8s.io", "dynakubes.dynatrace.com", "edgeconnects.dynatrace.com",
                "customresourcedefinitions.apiextensions.k8s.io")) {
            expected.put(resource, Set.of("get", "list", "watch"));
        }
        // the cluster-wide kinds the guard evaluates, and the kinds it only notices (LiveCluster's CRD handler)
        for (ClusterPolicyKind kind : ClusterPolicyKind.values()) {
            expected.put(kind.plural() + "." + ClusterPolicyKind.GROUP, Set.of("get", "list", "watch"));
        }
        for (UnevaluatedKinds.Kind kind : UnevaluatedKinds.KINDS) {
            expected.put(kind.plural() + "." + kind.group(), Set.of("get", "list", "watch"));
        }
        assertThat(granted).isEqualTo(expected);
    }

    /** Fails when an informer is added to (or removed from) LiveCluster without the RBAC following. */
    void theClusterRoleCoversEveryInformerOfLiveCluster() {
        String source;
        try {
            source = Files.readString(Path.of("src/main/java/io/netpolguard/live/LiveCluster.java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> informed = new TreeSet<>();
        Matcher informer = Pattern.compile("informers\\.put\\(\"([a-z]+)\"").matcher(source);
        while (informer.find()) {
            informed.add(informer.group(1));
        }
        Matcher crd = Pattern.compile("\"([a-z]+)\\.dynatrace\\.com\"").matcher(source);
        while (crd.find()) {
            informed.add(crd.group(1));
        }
        // CRDs are informed one by one ("crd/<name>", by field selector), only those the guard reads
        assertThat(source).contains("customResourceDefinitions()").contains("informers.put(\"crd/\"");
        informed.add("customresourcedefinitions");
        assertThat(informed).contains("pods", "customresourcedefinitions", "dynakubes", "edgeconnects");
        // the CRD handler also informs the cluster-wide and unevaluated policy kinds once their CRDs exist
        assertThat(source).contains("CLUSTER_POLICY_CRDS", "UNEVALUATED_CRDS");
        for (ClusterPolicyKind kind : ClusterPolicyKind.values()) {
            informed.add(kind.plural());
        }
        UnevaluatedKinds.KINDS.forEach(kind -> informed.add(kind.plural()));
        Set<String> granted = new TreeSet<>();
        rules(find("ClusterRole", NAME)).keySet().forEach(r -> granted.add(r.split("\\.", 2)[0]));
        assertThat(granted).isEqualTo(informed);
    }

    void theServiceAccountIsBoundToTheClusterRole() {
        ObjectNode binding = find("ClusterRoleBinding", NAME);
        assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo("ClusterRole");
        assertThat(binding.path("roleRef").path("name").asText()).isEqualTo(NAME);
        assertThat(binding.path("subjects")).hasSize(1);
        JsonNode subject = binding.path("subjects").get(0);
        assertThat(subject.path("kind").asText()).isEqualTo("ServiceAccount");
        assertThat(subject.path("name").asText()).isEqualTo(NAME);
        assertThat(subject.path("namespace").asText()).isEqualTo(NAMESPACE);
        find("ServiceAccount", NAME);
        assertThat(podSpec().path("serviceAccountName").asText()).isEqualTo(NAME);
        assertThat(ofKind("ClusterRoleBinding")).as("the break-glass role is bound by admins only")
                .extracting(InstallChecks::kindAndName).allMatch(n -> n.equals("ClusterRoleBinding " + NAME)
                        || n.equals("ClusterRoleBinding " + POLICY_REPORTS));
        assertThat(ofKind("RoleBinding")).extracting(InstallChecks::kindAndName).allMatch(n -> n.endsWith(POLICY_REPORTS));
        assertThat(ofKind("Role")).extracting(InstallChecks::kindAndName).allMatch(n -> n.endsWith(POLICY_REPORTS));
    }

    /**
     * With NETPOL_GUARD_REPORTS_ENABLED=true (k8s/base/optional/policy-reports, the chart's policyReports.enabled) the
     * guard may write PolicyReports and the Lease that elects the writer, bound to its ServiceAccount; without it, the
     * guard gets none of that.
     */
    void thePolicyReportRbacComesExactlyWithTheReports() {
        List<String> reportObjects = List.of("ClusterRole " + POLICY_REPORTS, "ClusterRoleBinding " + POLICY_REPORTS,
                "Role " + POLICY_REPORTS, "RoleBinding " + POLICY_REPORTS);
        if (!"true".equals(env().get("NETPOL_GUARD_REPORTS_ENABLED"))) {
            assertThat(env()).doesNotContainKey("NETPOL_GUARD_REPORTS_ENABLED");
            assertThat(objects).extracting(InstallChecks::kindAndName).doesNotContainAnyElementsOf(reportObjects);
            return;
        }
        assertThat(rules(find("ClusterRole", POLICY_REPORTS))).isEqualTo(Map.of(
                "policyreports.wgpolicyk8s.io", Set.of("get", "list", "watch", "create", "update", "patch", "delete"),
                "clusterpolicyreports.wgpolicyk8s.io", Set.of("get", "list", "watch", "create", "update", "patch", "delete")));
        // patch: the Kubernetes client's LeaseLock renews and takes over the Lease with a PATCH
        assertThat(rules(find("Role", POLICY_REPORTS)))
                .isEqualTo(Map.of("leases.coordination.k8s.io", Set.of("get", "create", "update", "patch")));
        for (String kind : List.of("ClusterRole", "Role")) {
            ObjectNode binding = find(kind + "Binding", POLICY_REPORTS);
            assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo(kind);
            assertThat(binding.path("roleRef").path("name").asText()).isEqualTo(POLICY_REPORTS);
            assertThat(binding.path("subjects")).hasSize(1);
            assertThat(stringMap(binding.path("subjects").get(0))).isEqualTo(
                    Map.of("kind", "ServiceAccount", "name", NAME, "namespace", NAMESPACE));
        }
    }

    void theBreakGlassClusterRoleGrantsWhatTheMatchConditionChecks() {
        assertThat(rules(find("ClusterRole", "netpol-guard-break-glass")))
                .isEqualTo(Map.of("breakglass.netpol-guard.io", Set.of("create")));
        Matcher check = Pattern.compile("authorizer\\.group\\('([^']*)'\\)\\.resource\\('([^']*)'\\)\\.check\\('([^']*)'\\)")
                .matcher(BREAK_GLASS);
        assertThat(check.find()).isTrue();
        assertThat(check.group(2) + "." + check.group(1) + " " + check.group(3)).isEqualTo("breakglass.netpol-guard.io create");
    }

    // --- exemptions need authority -------------------------------------------------------------

    void theExemptionPolicyCoversEveryKindTheWebhookJudgesExceptDeletes() {
        ObjectNode policy = find("ValidatingAdmissionPolicy", "netpol-guard-exemption-approval");
        assertThat(policy.path("spec").path("failurePolicy").asText()).isEqualTo("Fail");
        Set<String> guarded = new TreeSet<>();
        for (JsonNode rule : policy.path("spec").path("matchConstraints").path("resourceRules")) {
            assertThat(strings(rule.path("operations"))).containsExactly("CREATE", "UPDATE");
            for (String resource : strings(rule.path("resources"))) {
                guarded.add(resource + "." + strings(rule.path("apiGroups")).get(0));
            }
        }
        Set<String> judged = new TreeSet<>();
        for (JsonNode webhook : webhooks()) {
            for (JsonNode rule : webhook.path("rules")) {
                for (String resource : strings(rule.path("resources"))) {
                    judged.add(resource + "." + strings(rule.path("apiGroups")).get(0));
                }
            }
        }
        assertThat(guarded).isEqualTo(judged);
        ObjectNode binding = find("ValidatingAdmissionPolicyBinding", "netpol-guard-exemption-approval");
        assertThat(binding.path("spec").path("policyName").asText()).isEqualTo("netpol-guard-exemption-approval");
        assertThat(strings(binding.path("spec").path("validationActions"))).containsExactly("Deny");
    }

    void theExemptionPolicyAsksForTheApproverRoleAndDisqualifiesWildcards() {
        assertThat(rules(find("ClusterRole", "netpol-guard-exemption-approver")))
                .isEqualTo(Map.of("exemptions.netpol-guard.io", Set.of("create")));
        ObjectNode policy = find("ValidatingAdmissionPolicy", "netpol-guard-exemption-approval");
        String approver = "";
        for (JsonNode variable : policy.path("spec").path("variables")) {
            if (variable.path("name").asText().equals("approver")) {
                approver = variable.path("expression").asText();
            }
        }
        assertThat(approver).contains("authorizer.group('netpol-guard.io').resource('exemptions')")
                .contains(".check('create').allowed()")
                .contains("!authorizer.group('netpol-guard.io').resource('wildcard-probe').check('never-granted').allowed()");
        assertThat(policy.path("spec").path("validations").get(0).path("expression").asText())
                .isEqualTo("variables.exempt == '' || variables.exempt == variables.exemptBefore || variables.approver");
    }

    // --- the webhook configuration ---------------------------------------------------------------

    void theWebhooksInterceptWhatTheGuardJudges() {
        Map<String, String> rules = new LinkedHashMap<>();
        for (JsonNode webhook : webhooks()) {
            for (JsonNode rule : webhook.path("rules")) {
                rules.put(webhook.path("name").asText() + " " + strings(rule.path("apiGroups")) + " "
                        + strings(rule.path("apiVersions")) + " " + strings(rule.path("resources")),
                        String.join(",", strings(rule.path("operations"))));
            }
        }
        assertThat(rules).containsExactly(
                Map.entry("networkpolicies.netpol-guard.io [networking.k8s.io] [v1] [networkpolicies]", "CREATE,UPDATE,DELETE"),
                Map.entry("namespaces.netpol-guard.io [] [v1] [namespaces]", "UPDATE"),
                Map.entry("dynatrace.netpol-guard.io [dynatrace.com] [*] [dynakubes, edgeconnects]", "CREATE,UPDATE"),
                Map.entry("clusterpolicies.netpol-guard.io [policy.networking.k8s.io] [*] [clusternetworkpolicies, "
                        + "adminnetworkpolicies, baselineadminnetworkpolicies]", "CREATE,UPDATE,DELETE"));
    }

    void everyWebhookFailsOpenFastAndCallsTheGuardsService() {
        ObjectNode service = find("Service", NAME);
        Pattern domainLike = Pattern.compile("[a-z0-9-]+(\\.[a-z0-9-]+){2,}");
        for (JsonNode webhook : webhooks()) {
            String name = webhook.path("name").asText();
            assertThat(name).matches(domainLike);
            assertThat(webhook.path("failurePolicy").asText()).as(name).isEqualTo("Ignore");
            assertThat(webhook.path("timeoutSeconds").asInt(0)).as(name).isBetween(1, 5);
            assertThat(webhook.path("sideEffects").asText()).as(name).isEqualTo("None");
            assertThat(strings(webhook.path("admissionReviewVersions"))).as(name).containsExactly("v1");
            assertThat(webhook.path("matchPolicy").asText()).as(name).isEqualTo("Equivalent");
            JsonNode clientConfig = webhook.path("clientConfig");
            assertThat(clientConfig.has("url")).as(name).isFalse();
            assertThat(clientConfig.path("service").path("namespace").asText()).as(name).isEqualTo(NAMESPACE);
            assertThat(clientConfig.path("service").path("name").asText()).as(name).isEqualTo(NAME);
            assertThat(clientConfig.path("service").path("path").asText()).as(name).isEqualTo("/validate");
            assertThat(clientConfig.path("service").path("port").asInt()).as(name).isEqualTo(443);
            assertThat(servicePort(service, 443)).as(name).isNotNull();
        }
    }

    void everyWebhookHasTheBreakGlassMatchCondition() {
        for (JsonNode webhook : webhooks()) {
            Map<String, String> conditions = new LinkedHashMap<>();
            webhook.path("matchConditions").forEach(c -> conditions.put(c.path("name").asText(), c.path("expression").asText()));
            assertThat(conditions).as(webhook.path("name").asText()).containsEntry("not-break-glass", BREAK_GLASS);
        }
    }

    void noWebhookExemptsTheGuardsNamespaceOrKubeSystem() {
        for (JsonNode webhook : webhooks()) {
            for (String selector : List.of("namespaceSelector", "objectSelector")) {
                JsonNode value = webhook.path(selector);
                assertThat(value.isMissingNode() || value.isEmpty()).as(webhook.path("name").asText() + " " + selector
                        + " would let some namespaces or objects (netpol-guard, kube-system) past the guard: " + value)
                        .isTrue();
            }
            assertThat(webhook.path("matchConditions").toString()).doesNotContain("kube-system").doesNotContain("netpol-guard'");
        }
    }

    // --- the Deployment --------------------------------------------------------------------------

    void theDeploymentRunsSpreadReplicasOfTheGuardsPods() {
        ObjectNode deployment = find("Deployment", NAME);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(replicas);
        assertThat(stringMap(deployment.path("spec").path("selector").path("matchLabels"))).isEqualTo(POD_SELECTOR);
        assertThat(podLabels()).containsAllEntriesOf(POD_SELECTOR);
        Map<String, JsonNode> spread = new LinkedHashMap<>();
        podSpec().path("topologySpreadConstraints").forEach(c -> spread.put(c.path("topologyKey").asText(), c));
        assertThat(spread).containsOnlyKeys("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        spread.values().forEach(c -> {
            assertThat(c.path("maxSkew").asInt()).isEqualTo(1);
            assertThat(stringMap(c.path("labelSelector").path("matchLabels"))).isEqualTo(POD_SELECTOR);
        });
    }

    void theContainerServesHttpsOnlyAndIsProbedOnTheManagementPort() {
        JsonNode container = container();
        assertThat(container.path("image").asText()).isEqualTo(image);
        Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).isEqualTo(Map.of("https", 8443, "management", 9000));
        // no plain HTTP port: /validate and /flows over HTTPS only
        assertThat(env()).containsEntry("QUARKUS_HTTP_INSECURE_REQUESTS", "disabled");
        // health on the management interface, plain HTTP (its own TLS configuration without a key store)
        for (var probe : Map.of("startupProbe", "/q/health/live", "readinessProbe", "/q/health/ready",
                "livenessProbe", "/q/health/live").entrySet()) {
            JsonNode get = container.path(probe.getKey()).path("httpGet");
            assertThat(get.path("path").asText()).as(probe.getKey()).isEqualTo(probe.getValue());
            assertThat(containerPort(container, get.path("port"))).as(probe.getKey()).isEqualTo(9000);
            assertThat(get.path("scheme").asText("HTTP")).as(probe.getKey()).isEqualTo("HTTP");
        }
    }

    void theContainerHasResourcesAndAHeapBoundToTheLimit() {
        JsonNode resources = container().path("resources");
        assertThat(resources.path("requests").path("cpu").asText()).isNotEmpty();
        assertThat(resources.path("requests").path("memory").asText()).isNotEmpty();
        assertThat(resources.path("limits").path("memory").asText()).isNotEmpty();
        Map<String, String> env = env();
        assertThat(env.getOrDefault("JAVA_TOOL_OPTIONS", "") + env.getOrDefault("JAVA_OPTS", "")
                + env.getOrDefault("JAVA_OPTS_APPEND", "")).contains("-XX:MaxRAMPercentage=60");
        // the image's run-java.sh passes -XX:+UseParallelGC unless this names the collector
        assertThat(env.get("GC_CONTAINER_OPTIONS")).isEqualTo("-XX:+UseSerialGC");
    }

    /** The restricted Pod Security Standard; the Namespace, when the rendering has one, enforces it. */
    void thePodIsRestricted() {
        JsonNode pod = podSpec().path("securityContext");
        JsonNode container = container().path("securityContext");
        assertThat(pod.path("runAsNonRoot").asBoolean() || container.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("seccompProfile").path("type").asText(container.path("seccompProfile").path("type").asText()))
                .isEqualTo("RuntimeDefault");
        assertThat(container.path("allowPrivilegeEscalation").isBoolean()).isTrue();
        assertThat(container.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(strings(container.path("capabilities").path("drop"))).containsExactly("ALL");
        assertThat(container.path("capabilities").path("add").isMissingNode()).isTrue();
        assertThat(container.path("privileged").asBoolean(false)).isFalse();
        assertThat(podSpec().path("hostNetwork").asBoolean(false)).isFalse();
        for (ObjectNode namespace : ofKind("Namespace")) {
            assertThat(stringMap(namespace.path("metadata").path("labels")))
                    .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        }
        // A read-only root file system: Quarkus and Vert.x write to /tmp.
        assertThat(volumeOf("/tmp").has("emptyDir")).isTrue();
    }

    void theTlsSecretIsMountedAsFilesThatTheGuardReads() {
        JsonNode volume = volumeOf("/etc/netpol-guard/tls");
        assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("netpol-guard-tls");
        JsonNode mount = mountOf("/etc/netpol-guard/tls");
        assertThat(mount.path("readOnly").asBoolean()).isTrue();
        assertThat(mount.has("subPath")).as("a subPath mount never sees a renewed Secret").isFalse();
        assertThat(env()).containsEntry("QUARKUS_TLS_KEY_STORE_PEM__0__CERT", "/etc/netpol-guard/tls/tls.crt")
                .containsEntry("QUARKUS_TLS_KEY_STORE_PEM__0__KEY", "/etc/netpol-guard/tls/tls.key")
                .containsEntry("NETPOL_GUARD_SERVER_SOURCE", "cluster");
    }

    void thePodDisruptionBudgetKeepsOneGuard() {
        ObjectNode pdb = find("PodDisruptionBudget", NAME);
        assertThat(pdb.path("spec").path("minAvailable").asInt()).isEqualTo(1);
        assertThat(pdb.path("spec").has("maxUnavailable")).isFalse();
        assertThat(podLabels()).containsAllEntriesOf(stringMap(pdb.path("spec").path("selector").path("matchLabels")));
    }

    void theServiceMaps443ToHttpsAndExposesMetrics() {
        ObjectNode service = find("Service", NAME);
        assertThat(podLabels()).containsAllEntriesOf(stringMap(service.path("spec").path("selector")));
        JsonNode https = servicePort(service, 443);
        assertThat(https.path("targetPort").asText()).isEqualTo("https");
        assertThat(containerPort(container(), https.path("targetPort"))).isEqualTo(8443);
        JsonNode metrics = servicePort(service, 9000);
        assertThat(metrics.path("name").asText()).isEqualTo("http-metrics");
        assertThat(metrics.path("targetPort").asText()).isEqualTo("management");
        assertThat(containerPort(container(), metrics.path("targetPort"))).isEqualTo(9000);
        assertThat(service.path("spec").path("ports")).hasSize(2);
    }

    // --- the optional NetworkPolicy ---------------------------------------------------------------

    /** The guard's own NetworkPolicy opens the webhook and management ports and lets it reach the API server and DNS. */
    static void theGuardsOwnNetworkPolicyOpensTheWebhookPortAndTheApiServerAndDns(ObjectNode policy) {
        assertThat(policy.path("metadata").path("namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(stringMap(policy.path("spec").path("podSelector").path("matchLabels"))).isEqualTo(POD_SELECTOR);
        assertThat(strings(policy.path("spec").path("policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");
        Set<String> ingressPorts = new TreeSet<>();
        policy.path("spec").path("ingress").forEach(r -> r.path("ports").forEach(p -> ingressPorts.add(p.path("port").asText())));
        assertThat(ingressPorts).containsExactlyInAnyOrder("8443", "9000");
        String egress = policy.path("spec").path("egress").toString();
        assertThat(egress).contains("\"ipBlock\"", "6443", "443", "kube-dns", "kube-system");
        assertThat(policy.path("spec").path("egress")).anySatisfy(rule -> assertThat(rule.path("ports"))
                .extracting(p -> p.path("protocol").asText() + "/" + p.path("port").asText())
                .containsExactlyInAnyOrder("UDP/53", "TCP/53"));
    }

    // --- helpers ---------------------------------------------------------------------------------

    ObjectNode find(String kind, String name) {
        return Kustomize.find(objects, kind, name);
    }

    List<ObjectNode> ofKind(String kind) {
        return Kustomize.ofKind(objects, kind);
    }

    JsonNode webhooks() {
        JsonNode webhooks = find("ValidatingWebhookConfiguration", NAME).path("webhooks");
        assertThat(webhooks).hasSize(4);
        return webhooks;
    }

    JsonNode podSpec() {
        return find("Deployment", NAME).path("spec").path("template").path("spec");
    }

    Map<String, String> podLabels() {
        return stringMap(find("Deployment", NAME).path("spec").path("template").path("metadata").path("labels"));
    }

    JsonNode container() {
        JsonNode containers = podSpec().path("containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        container().path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    JsonNode mountOf(String path) {
        for (JsonNode mount : container().path("volumeMounts")) {
            if (path.equals(mount.path("mountPath").asText())) {
                return mount;
            }
        }
        return fail("nothing mounted at " + path);
    }

    JsonNode volumeOf(String path) {
        String name = mountOf(path).path("name").asText();
        for (JsonNode volume : podSpec().path("volumes")) {
            if (name.equals(volume.path("name").asText())) {
                return volume;
            }
        }
        return fail("no volume " + name);
    }

    static String kindAndName(JsonNode object) {
        return object.path("kind").asText() + " " + object.path("metadata").path("name").asText();
    }

    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode declared : container.path("ports")) {
            if (port.asText().equals(declared.path("name").asText())) {
                return declared.path("containerPort").asInt();
            }
        }
        return fail("no container port " + port);
    }

    private static JsonNode servicePort(JsonNode service, int port) {
        for (JsonNode declared : service.path("spec").path("ports")) {
            if (declared.path("port").asInt() == port) {
                return declared;
            }
        }
        return fail("Service has no port " + port);
    }

    /** "resource.group" (the core group without suffix) to verbs; fails on anything but apiGroups/resources/verbs. */
    static Map<String, Set<String>> rules(JsonNode role) {
        Map<String, Set<String>> granted = new TreeMap<>();
        for (JsonNode rule : role.path("rules")) {
            List<String> fields = new ArrayList<>();
            rule.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as("no resourceNames, nonResourceURLs or anything else")
                    .containsExactlyInAnyOrder("apiGroups", "resources", "verbs");
            for (String group : strings(rule.path("apiGroups"))) {
                for (String resource : strings(rule.path("resources"))) {
                    String key = group.isEmpty() ? resource : resource + "." + group;
                    Set<String> verbs = new TreeSet<>(strings(rule.path("verbs")));
                    if (granted.containsKey(key)) {
                        fail(key + " is granted twice");
                    }
                    granted.put(key, verbs);
                }
            }
        }
        return granted;
    }

    static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(e -> strings.add(e.asText()));
        return strings;
    }

    static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> map = new TreeMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
