package io.netpolguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.FlowEnd;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FixSuggestionTest {
    /** Eight labels: an immutable map's iteration order (salted per JVM) is sorted by chance once in 40,320 runs. */
    private static Map<String, String> labels(String prefix) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String key : List.of("zone", "app", "tier", "version", "team", "release", "component", "instance")) {
            labels.put(prefix + key, key + "-value");
        }
        return labels;
    }

    @Test
    void theSuggestedSelectorsNameTheirLabelsInOrder() {
        PodEndpoint source = PodEndpoint.pod("shop", "web-1", LabelSet.of(labels("")), List.of(), List.of());
        PodEndpoint destination = PodEndpoint.pod("dynatrace", "ag-0", LabelSet.of(labels("example.com/")), List.of(),
                List.of());
        FlowEnd from = new FlowEnd("monitored-apps", source, source.labels().asMap());
        FlowEnd to = new FlowEnd("activegate", destination, destination.labels().asMap());
        RequiredFlow flow = new RequiredFlow(FlowCatalogue.standard().flows().get(0), "",
                List.of(new FlowConnection(from, to, new Connection(source, destination, 9999, Protocol.TCP))), null,
                List.of());

        for (Direction direction : Direction.values()) {
            String policy = FixSuggestion.policy(flow, direction, from, to, FixSuggestion.Style.YAML);
            List<String> keys = new ArrayList<>();
            policy.lines().filter(line -> line.contains(": ") && line.trim().contains("-value"))
                    .forEach(line -> keys.add(line.trim().split(":")[0]));
            assertThat(keys).as(policy).hasSizeGreaterThanOrEqualTo(8);
            List<String> subject = keys.subList(0, 8);
            List<String> peer = keys.subList(keys.size() - 8, keys.size());
            assertThat(subject).as(policy).isSorted();
            assertThat(peer).as(policy).isSorted();
        }
    }

    @Test
    void aDaemonSetInTheHostNetworkIsAllowedByItsNodesAsTheFewestNetworks() throws Exception {
        List<java.net.InetAddress> nodes = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // 10.0.0.0 .. 10.0.1.43
            nodes.add(java.net.InetAddress.getByName("10.0." + (i / 256) + "." + (i % 256)));
        }
        PodEndpoint oneAgent = new PodEndpoint("Pod", "dynatrace", "dynakube-oneagent-x7k2p",
                LabelSet.of(Map.of("app.kubernetes.io/name", "oneagent")), nodes, true, List.of());
        PodEndpoint dns = PodEndpoint.pod("kube-system", "coredns-0", LabelSet.of(Map.of("k8s-app", "kube-dns")),
                List.of(), List.of());
        FlowEnd from = new FlowEnd("oneagent", oneAgent, oneAgent.labels().asMap());
        FlowEnd to = new FlowEnd("kube-dns", dns, dns.labels().asMap());
        RequiredFlow flow = new RequiredFlow(FlowCatalogue.standard().flows().get(0), "",
                List.of(new FlowConnection(from, to, new Connection(oneAgent, dns, 53, Protocol.UDP))), null, List.of());

        String policy = FixSuggestion.policy(flow, Direction.INGRESS, from, to, FixSuggestion.Style.ONE_LINE);

        assertThat(policy).contains("\"from\":[{\"ipBlock\":{\"cidr\":\"10.0.0.0/24\"}},"
                + "{\"ipBlock\":{\"cidr\":\"10.0.1.0/27\"}},{\"ipBlock\":{\"cidr\":\"10.0.1.32/29\"}},"
                + "{\"ipBlock\":{\"cidr\":\"10.0.1.40/30\"}}]");
    }
}
