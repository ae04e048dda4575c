import com.sun.management.ThreadMXBean;
import io.netpolguard.admission.AdmissionHandler;
import io.netpolguard.admission.AdmissionRequest;
import io.netpolguard.admission.AdmissionRequestReader;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import io.netpolguard.config.GuardFactory;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Decisions under pod churn without the API server: loads a generated cluster once, answers the requests of a
 * directory quietly (one snapshot), then again with a new snapshot before every decision whose pod index differs in
 * CHANGES pod replacements (a pod of a random application namespace removed, its successor with a new
 * pod-template-hash, name and address added), made the way the live source makes it ({@code PodIndex.withNamespaces},
 * the rest of the snapshot shared), each prepared by {@code Guard.prepare} first as the live source's rebuild thread
 * does (PREPARE no: not, the requests then pay for it). Prints thread CPU time and wall time per decision, p50 and p99, for both. Java 17
 * single-file program on the packaged application's class path:
 *
 * <pre>
 * java -cp 'target/quarkus-app/app/*:target/quarkus-app/lib/main/*' bench/scale/ChurnDecisionRun.java \
 *      CLUSTER_DIR REQUEST_DIR [ROUNDS (default 200)] [FILTER regex] [CHANGES (default 10)] [PREPARE yes|no]
 * </pre>
 */
public class ChurnDecisionRun {
    private static final List<String> PLATFORM = List.of("kube-system", "dynatrace", "netpol-guard", "monitoring",
            "ingress-nginx", "default");

    public static void main(String[] args) throws Exception {
        Path cluster = Path.of(args[0]);
        Path requestDir = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        String filter = args.length > 3 ? args[3] : ".*";
        int changes = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        long start = System.nanoTime();
        ClusterSnapshot snapshot = new SnapshotBuilder(skipped -> { }).addFiles(List.of(cluster)).build();
        System.out.printf(Locale.ROOT, "snapshot built in %.1f s%n", (System.nanoTime() - start) / 1e9);
        boolean prepare = args.length <= 5 || !args[5].equals("no");
        io.netpolguard.guard.Guard guard = GuardFactory.withDefaults().guard(Map.of(), false);
        AdmissionHandler handler = new AdmissionHandler(guard);
        List<AdmissionRequest> requests = new ArrayList<>();
        try (Stream<Path> list = Files.list(requestDir)) {
            for (Path file : list.filter(p -> p.getFileName().toString().matches(filter)).sorted().toList()) {
                requests.add(AdmissionRequestReader.read(Manifests.JSON.readTree(file.toFile())));
            }
        }
        if (requests.isEmpty()) {
            System.err.println("no request file in " + requestDir + " matches " + filter
                    + " (the pattern must match the whole file name, .json included)");
            System.exit(2);
        }
        List<String> appNamespaces = snapshot.pods().namespaces().stream().filter(n -> !PLATFORM.contains(n))
                .filter(n -> snapshot.pods().in(n).stream().anyMatch(PodEndpoint::isPod)).sorted().toList();
        System.out.printf(Locale.ROOT, "%d requests, %d application namespaces, %d pod replacements per snapshot%n",
                requests.size(), appNamespaces.size(), changes);
        Churn churn = new Churn(snapshot, appNamespaces, new Random(7));

        long warm = System.nanoTime();
        for (int r = 0; r < Math.max(20, rounds / 5); r++) {
            for (AdmissionRequest request : requests) {
                handler.handle(request, snapshot);
            }
        }
        System.out.printf(Locale.ROOT, "warm-up %.1f s%n", (System.nanoTime() - warm) / 1e9);
        Timings quiet = new Timings(rounds * requests.size());
        for (int r = 0; r < rounds; r++) {
            for (AdmissionRequest request : requests) {
                quiet.measure(() -> handler.handle(request, snapshot));
            }
        }
        quiet.print("quiet");
        int churnRounds = Math.max(1, rounds / 4);
        Timings churned = new Timings(churnRounds * requests.size());
        long made = 0;
        Timings prepared = new Timings(churnRounds * requests.size());
        for (int r = 0; r < churnRounds; r++) {
            for (AdmissionRequest request : requests) {
                long t = System.nanoTime();
                ClusterSnapshot changed = churn.next(changes);
                made += System.nanoTime() - t;
                if (prepare) { // what the live source's rebuild thread does after each rebuild
                    prepared.measure(() -> guard.prepare(changed));
                }
                churned.measure(() -> handler.handle(request, changed));
            }
        }
        churned.print("churn");
        System.out.printf(Locale.ROOT, "(making each churned snapshot: %.2f ms mean, not counted)%n",
                made / 1e6 / (churnRounds * requests.size()));
        if (prepare) {
            prepared.print("(preparing each churned snapshot, as the rebuild thread does; not counted)");
        }
    }

    /** Replaces pods of random application namespaces, one snapshot after the other. */
    private static final class Churn {
        private ClusterSnapshot snapshot;
        private final List<String> namespaces;
        private final Random random;
        private int generation;

        Churn(ClusterSnapshot snapshot, List<String> namespaces, Random random) {
            this.snapshot = snapshot;
            this.namespaces = namespaces;
            this.random = random;
        }

        ClusterSnapshot next(int changes) throws Exception {
            Map<String, List<PodEndpoint>> replaced = new HashMap<>();
            for (int c = 0; c < changes; c++) {
                String namespace = namespaces.get(random.nextInt(namespaces.size()));
                List<PodEndpoint> pods = new ArrayList<>(replaced.getOrDefault(namespace, snapshot.pods().in(namespace)));
                List<Integer> candidates = new ArrayList<>();
                for (int i = 0; i < pods.size(); i++) {
                    if (pods.get(i).isPod()) {
                        candidates.add(i);
                    }
                }
                PodEndpoint old = pods.remove((int) candidates.get(random.nextInt(candidates.size())));
                Map<String, String> labels = new HashMap<>(old.labels().asMap());
                labels.put("pod-template-hash", "churn" + (++generation % 50));
                InetAddress address = InetAddress.getByAddress(new byte[] {10, (byte) 250, (byte) (generation >> 8),
                        (byte) generation});
                pods.add(new PodEndpoint(old.kind(), namespace, old.name() + "-c" + generation, LabelSet.of(labels),
                        List.of(address), old.hostNetwork(), old.ports()));
                replaced.put(namespace, pods);
            }
            ClusterSnapshot s = snapshot;
            snapshot = new ClusterSnapshot(s.namespaces(), s.pods().withNamespaces(replaced), s.policies(), s.services(),
                    s.endpointSlices(), s.endpoints(), s.dynaKubes(), s.edgeConnects(), s.nodeAddresses(),
                    s.nodeLabels(), s.clusterPolicies(), s.unevaluatedPolicies(), ClusterSnapshot.EngineCell.after(s));
            return snapshot;
        }
    }

    /** Thread CPU and wall time per decision. */
    private static final class Timings {
        private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        private final long[] cpu;
        private final long[] wall;
        private int n;

        Timings(int size) {
            cpu = new long[size];
            wall = new long[size];
        }

        void measure(Runnable decision) {
            long c = THREADS.getCurrentThreadCpuTime();
            long w = System.nanoTime();
            decision.run();
            wall[n] = System.nanoTime() - w;
            cpu[n++] = THREADS.getCurrentThreadCpuTime() - c;
        }

        void print(String phase) {
            Arrays.sort(cpu, 0, n);
            Arrays.sort(wall, 0, n);
            System.out.printf(Locale.ROOT, "%s: %d decisions; CPU p50 %.2f ms, p99 %.2f ms; wall p50 %.2f ms, p99 %.2f ms;"
                    + " load average %.2f%n", phase, n, cpu[n / 2] / 1e6, cpu[(int) (n * 0.99)] / 1e6, wall[n / 2] / 1e6,
                    wall[(int) (n * 0.99)] / 1e6, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
