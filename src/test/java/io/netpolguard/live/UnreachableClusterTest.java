package io.netpolguard.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.ServerSocket;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** An API server that cannot be reached must never hold up the guard: start returns, and it is simply not synced. */
class UnreachableClusterTest {

    @Test
    void startReturnsAtOnceAndTheSnapshotIsNotSynced() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:" + closedPort)
                .withTrustCerts(true).withRequestTimeout(500).withConnectionTimeout(500).build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            LiveCluster live = new LiveCluster(client, 10, new ArrayList<String>()::add);
            long start = System.nanoTime();
            live.start();
            long millis = (System.nanoTime() - start) / 1_000_000;
            try {
                assertThat(millis).as("start() must not wait for the API server").isLessThan(3_000);
                Thread.sleep(1_000);
                assertThat(live.synced()).isFalse();
                assertThat(live.syncState()).containsKeys("namespaces", "pods", "networkpolicies")
                        .allSatisfy((name, synced) -> assertThat(synced).as(name).isFalse());
            } finally {
                live.stop();
            }
        }
    }
}
