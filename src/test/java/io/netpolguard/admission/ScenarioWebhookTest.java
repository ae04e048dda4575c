package io.netpolguard.admission;

import static io.netpolguard.server.WebhookRequests.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.live.ManifestSource;
import io.netpolguard.live.SnapshotSource;
import io.netpolguard.scenario.Scenario;
import io.netpolguard.scenario.Scenarios;
import io.netpolguard.server.GuardServer;
import io.netpolguard.server.WebhookRequests;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The scenario fixtures through POST /validate of the running webhook: its cluster is the scenario's
 * (as manifests), its host addresses those the scenarios share. Scenarios with other hosts or guard
 * settings are judged by the guard, review and check tests only.
 */
@QuarkusTest
@TestProfile(ScenarioWebhookTest.ScenarioHosts.class)
class ScenarioWebhookTest {
    static final Map<String, String> HOSTS = Map.of("abc12345.live.dynatrace.com", "203.0.113.10",
            "registry.example.com", "203.0.113.20", "abc12345.apps.dynatrace.com", "203.0.113.30",
            "sso.dynatrace.com", "203.0.113.40", "index.docker.io", "203.0.113.50");

    /** The shared host addresses, and no DNS: as the scenarios resolve. */
    public static class ScenarioHosts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(Map.of("netpol-guard.resolver.dns", "false"));
            HOSTS.forEach((host, ip) -> config.put("netpol-guard.hosts.\"" + host + "\"", ip));
            return config;
        }
    }

    @Inject
    GuardServer server;

    private SnapshotSource original;

    @BeforeEach
    void remember() {
        original = server.source();
    }

    @AfterEach
    void restore() {
        server.useSource(original);
    }

    static List<Scenario> webhookScenarios() {
        return Scenarios.all().stream().filter(Scenario::reproducibleByCli).filter(ScenarioWebhookTest::sharedHosts)
                .toList();
    }

    private static boolean sharedHosts(Scenario scenario) {
        Map<String, List<InetAddress>> hosts = scenario.hosts();
        return hosts.keySet().stream().allMatch(HOSTS::containsKey) && hosts.entrySet().stream()
                .allMatch(e -> e.getValue().size() == 1 && e.getValue().get(0).getHostAddress().equals(HOSTS.get(e.getKey())))
                && hosts.size() == HOSTS.size();
    }

    @Test
    void mostScenariosRunThroughTheWebhook() {
        assertThat(webhookScenarios()).hasSizeGreaterThan(Scenarios.all().size() * 3 / 4);
        assertThat(webhookScenarios()).extracting(Scenario::name).contains("logmonitoring-to-kubelet-blocked",
                "kspm-to-kube-dns-blocked", "otel-collector-to-extension-controller-blocked",
                "operator-to-sso-unblocked", "oneagent-to-kube-dns-blocked", "dynakube-v1beta6-create",
                "proxy-to-dynatrace-api-blocked", "in-cluster-proxy-service-range");
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioThroughPostValidate() {
        return webhookScenarios().stream().map(scenario -> DynamicTest.dynamicTest(scenario.name(), () -> {
            server.useSource(new ManifestSource(scenario.clusterPaths()));
            String body = send(new String(scenario.request(), StandardCharsets.UTF_8))
                    .statusCode(200).extract().asString();
            try {
                scenario.expectation().assertReview(WebhookRequests.JSON.readTree(body), scenario.uid());
            } catch (IOException e) {
                throw new AssertionError("the webhook did not answer JSON: " + body, e);
            }
        }));
    }
}
