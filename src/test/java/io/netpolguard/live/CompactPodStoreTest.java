package io.netpolguard.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pod informer's store keeps only what NetworkPolicy needs, and tells the snapshot when that changes. */
class CompactPodStoreTest {
    private final AtomicInteger changes = new AtomicInteger();
    private final CompactPodStore store = new CompactPodStore(changes::incrementAndGet);

    @Test
    void aRestoredPodKeepsLabelsAddressesPortsAndVersionButNothingElse() {
        Pod full = operatorPod("101");
        String key = store.getKey(full);
        assertThat(key).isEqualTo("dynatrace/dynatrace-operator-5d9f8b7c6-abcde");
        assertThat(store.put(key, full)).isNull();

        Pod restored = store.get(key);
        assertThat(restored.getMetadata().getNamespace()).isEqualTo("dynatrace");
        assertThat(restored.getMetadata().getName()).isEqualTo("dynatrace-operator-5d9f8b7c6-abcde");
        assertThat(restored.getMetadata().getLabels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("app.kubernetes.io/name", "dynatrace-operator", "tier", "ops"));
        assertThat(restored.getMetadata().getResourceVersion()).isEqualTo("101");
        assertThat(restored.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(restored.getStatus().getPodIPs()).extracting(PodIP::getIp).containsExactly("10.244.1.5", "fd00:0:0:0:0:0:0:5");
        assertThat(restored.getSpec().getHostNetwork()).isFalse();
        assertThat(restored.getSpec().getContainers()).allSatisfy(c -> {
            assertThat(c.getImage()).isNull();
            assertThat(c.getEnv()).isNullOrEmpty();
            assertThat(c.getCommand()).isNullOrEmpty();
        });
        assertThat(restored.getSpec().getContainers()).flatExtracting(c -> c.getPorts())
                .extracting(p -> p.getName() + "/" + p.getContainerPort() + "/" + p.getProtocol())
                .containsExactlyInAnyOrder("metrics/8080/TCP", "dns/53/UDP");
        assertThat(store.values()).containsExactly(restored);
        assertThat(store.keySet()).containsExactly(key);
        assertThat(store.size()).isEqualTo(1);

        PodEndpoint endpoint = store.endpoints().get(0);
        assertThat(endpoint.isPod()).isTrue();
        assertThat(endpoint.ports()).containsExactlyInAnyOrder(new ContainerPort("metrics", 8080, Protocol.TCP),
                new ContainerPort("dns", 53, Protocol.UDP));
        assertThat(changes).hasValue(1);
    }

    @Test
    void itTellsWhichNamespacesChangedSoOnlyTheyAreIndexedAgain() {
        Pod operator = operatorPod("1");
        store.put(store.getKey(operator), operator);
        assertThat(store.takeChangedNamespaces()).containsExactly("dynatrace");
        assertThat(store.takeChangedNamespaces()).as("taken once").isEmpty();

        // a status-only update changes nothing policies see
        store.put(store.getKey(operator), operatorPod("2"));
        assertThat(store.takeChangedNamespaces()).isEmpty();

        store.remove(store.getKey(operator));
        assertThat(store.takeChangedNamespaces()).containsExactly("dynatrace");
        assertThat(store.endpointsIn("dynatrace")).isEmpty();
        assertThat(store.endpointsIn("shop")).isEmpty();
    }

    @Test
    void onlyChangesThatMatterToPoliciesTriggerARebuild() {
        String key = store.getKey(operatorPod("1"));
        store.put(key, operatorPod("1"));
        assertThat(changes).hasValue(1);

        // a status or annotation change moves the resource version but not what policies see
        Pod previous = store.put(key, new PodBuilder(operatorPod("2")).editMetadata().addToAnnotations("touched", "yes")
                .endMetadata().build());
        assertThat(previous.getMetadata().getResourceVersion()).isEqualTo("1");
        assertThat(store.get(key).getMetadata().getResourceVersion()).isEqualTo("2");
        assertThat(changes).hasValue(1);

        store.put(key, new PodBuilder(operatorPod("3")).editMetadata().addToLabels("tier", "other").endMetadata().build());
        assertThat(changes).hasValue(2);
        assertThat(store.endpoints().get(0).labels().get("tier")).isEqualTo("other");

        assertThat(store.remove(key).getMetadata().getResourceVersion()).isEqualTo("3");
        assertThat(changes).hasValue(3);
        assertThat(store.remove(key)).isNull();
        assertThat(changes).hasValue(3);
        assertThat(store.size()).isZero();
        assertThat(store.endpoints()).isEmpty();
    }

    @Test
    void aPodWithAnUnreadableAddressIsKeptWithItsLabelsAndNoAddress() {
        Pod odd = new PodBuilder(operatorPod("7")).editStatus().withPodIP("not-an-ip").withPodIPs().endStatus().build();
        String key = store.getKey(odd);
        store.put(key, odd);
        Pod restored = store.get(key);
        assertThat(restored.getMetadata().getLabels()).containsEntry("tier", "ops");
        assertThat(restored.getStatus().getPodIPs()).isEmpty();
        assertThat(store.endpoints().get(0).addresses()).isEmpty();
    }

    @Test
    void podsOfOneWorkloadShareTheirLabelSet() {
        store.put("dynatrace/a", new PodBuilder(operatorPod("1")).editMetadata().withName("a").endMetadata().build());
        store.put("dynatrace/b", new PodBuilder(operatorPod("1")).editMetadata().withName("b").endMetadata().build());
        List<PodEndpoint> endpoints = store.endpoints();
        assertThat(endpoints).hasSize(2);
        assertThat(endpoints.get(0).labels()).isSameAs(endpoints.get(1).labels());
        assertThat(endpoints.get(0).ports()).isSameAs(endpoints.get(1).ports());
    }

    private static Pod operatorPod(String resourceVersion) {
        return new PodBuilder().withNewMetadata().withNamespace("dynatrace").withName("dynatrace-operator-5d9f8b7c6-abcde")
                .withResourceVersion(resourceVersion).withUid("6f1d2c3b-aaaa-bbbb-cccc-0123456789ab")
                .addToLabels("app.kubernetes.io/name", "dynatrace-operator").addToLabels("tier", "ops")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"big\": \"blob\"}")
                .endMetadata()
                .withNewSpec().withNodeName("node-1").withServiceAccountName("dynatrace-operator")
                .addNewContainer().withName("operator").withImage("public.ecr.aws/dynatrace/dynatrace-operator:v1.10.2")
                .withCommand("/usr/local/bin/dynatrace-operator").addNewEnv().withName("TOKEN").withValue("s3cr3t").endEnv()
                .withPorts(new ContainerPortBuilder().withName("metrics").withContainerPort(8080).build()).endContainer()
                .addNewContainer().withName("sidecar").withImage("example.com/sidecar:2")
                .withPorts(new ContainerPortBuilder().withName("dns").withContainerPort(53).withProtocol("UDP").build())
                .endContainer()
                .endSpec()
                .withNewStatus().withPhase("Running").withPodIP("10.244.1.5").addNewPodIP().withIp("10.244.1.5").endPodIP()
                .addNewPodIP().withIp("fd00::5").endPodIP().endStatus()
                .build();
    }
}
