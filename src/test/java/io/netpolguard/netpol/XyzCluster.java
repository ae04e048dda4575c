package io.netpolguard.netpol;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster of the Kubernetes NetworkPolicy e2e suite, read from {@code src/test/resources/manifests/xyz}:
 * namespaces x, y, z (labelled {@code ns=x} ...) each with pods a, b, c (labelled {@code pod=a} ...).
 * Pod {@code <ns>/<pod>} has the addresses 10.0.N.P and fd00::N:P, with N = 1, 2, 3 for x, y, z and
 * P = 1, 2, 3 for a, b, c (so namespace x is 10.0.1.0/24 and fd00::1:0/112), and declares the container
 * ports 80 and 81 over TCP, UDP and SCTP, named {@code serve-80-tcp}, {@code serve-81-udp} ...
 * Tests add NetworkPolicies (and sometimes extra pods) as YAML text.
 */
public final class XyzCluster {
    public static final List<String> PODS = List.of("x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c");
    /** An address outside the cluster (TEST-NET-1) and one in the IPv6 documentation range. */
    public static final String EXTERNAL_V4 = "192.0.2.10";
    public static final String EXTERNAL_V6 = "2001:db8::10";

    private final ClusterSnapshot snapshot;
    private final PolicyEngine engine;

    private XyzCluster(ClusterSnapshot snapshot) {
        this.snapshot = snapshot;
        this.engine = snapshot.engine();
    }

    /** The x/y/z cluster plus the given manifests (YAML text, several documents allowed). */
    public static XyzCluster with(String... manifests) {
        List<String> skipped = new ArrayList<>();
        SnapshotBuilder builder = new SnapshotBuilder(skipped::add).addFiles(List.of(resource("manifests/xyz")));
        for (int i = 0; i < manifests.length; i++) {
            for (Manifests.Document document : Manifests.parse(manifests[i], "test manifest " + (i + 1))) {
                builder.add(document.node(), document.origin());
            }
        }
        // what cannot be read of a cluster-wide policy is reported on the same channel, and is no mistake of a test
        skipped.removeIf(message -> message.contains(": cannot read "));
        if (!skipped.isEmpty()) {
            throw new IllegalArgumentException("test manifests with kinds the reader skips: " + skipped);
        }
        return new XyzCluster(builder.build());
    }

    public static Path resource(String name) {
        URL url = XyzCluster.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    public PolicyEngine engine() {
        return engine;
    }

    /**
     * {@code ns/name} of a Pod, {@code ns/Kind/name} of a workload template, or an IP literal (an
     * address outside the pods).
     */
    public Endpoint endpoint(String ref) {
        var address = IpAddresses.parse(ref);
        if (address.isPresent()) {
            return ExternalEndpoint.ofAddress(address.get());
        }
        return snapshot.pods().all().stream().filter(p -> p.displayName().equals(ref)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pod " + ref + " in the test cluster"));
    }

    public PodEndpoint pod(String ref) {
        return (PodEndpoint) endpoint(ref);
    }

    /** A host name that did not resolve: no addresses known. */
    public static ExternalEndpoint unresolved(String host) {
        return new ExternalEndpoint(host, List.of());
    }

    public Verdict probe(String from, String to, int port) {
        return probe(from, to, Protocol.TCP, port);
    }

    public Verdict probe(String from, String to, Protocol protocol, int port) {
        return probe(endpoint(from), endpoint(to), protocol, port);
    }

    public Verdict probe(Endpoint from, Endpoint to, Protocol protocol, int port) {
        return engine.evaluate(new Connection(from, to, port, protocol));
    }

    /** Probes every pair of {@link #PODS} and compares with {@code expected} for each port given. */
    public void assertReachability(Reachability expected, Protocol protocol, int... ports) {
        for (int port : ports) {
            expected.assertMatches(this, protocol, port);
        }
    }

    /** Compares on 80 and 81 over TCP, UDP and SCTP. */
    public void assertReachabilityOnEveryProtocol(Reachability expected) {
        for (Protocol protocol : Protocol.values()) {
            assertReachability(expected, protocol, 80, 81);
        }
    }
}
