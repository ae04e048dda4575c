import com.sun.management.ThreadMXBean;
import io.netpolguard.admission.AdmissionHandler;
import io.netpolguard.admission.AdmissionRequest;
import io.netpolguard.admission.AdmissionRequestReader;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import io.netpolguard.config.GuardFactory;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The guard's decisions without HTTP, JSON writing or a second process: loads a generated cluster once, then
 * answers every request of a directory many times in one thread, as the webhook does between two snapshot
 * changes, and prints per request the thread CPU time (median and p99) and the bytes allocated per decision.
 * CPU time and allocation are what a busy machine disturbs least; wall time is not reported. Java 17 single-file
 * program on the packaged application's class path:
 *
 * <pre>
 * java -cp 'target/quarkus-app/app/*:target/quarkus-app/lib/main/*' bench/scale/DecisionRun.java \
 *      CLUSTER_DIR REQUEST_DIR [ROUNDS (default 200)] [FILTER regex] [JSON_OUT]
 * </pre>
 * JSON_OUT receives the same figures per request, for {@code bench/scale/run.sh decisions} and its plot.
 */
public class DecisionRun {
    public static void main(String[] args) throws Exception {
        Path cluster = Path.of(args[0]);
        Path requestDir = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        String filter = args.length > 3 ? args[3] : ".*";
        Path json = args.length > 4 ? Path.of(args[4]) : null;
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        ClusterSnapshot snapshot = new SnapshotBuilder(skipped -> { }).addFiles(List.of(cluster)).build();
        System.out.printf(Locale.ROOT, "snapshot built in %.1f s%n", (System.nanoTime() - start) / 1e9);
        AdmissionHandler handler = new AdmissionHandler(GuardFactory.withDefaults().guard(java.util.Map.of(), false));
        List<Path> files;
        try (Stream<Path> list = Files.list(requestDir)) {
            files = list.filter(p -> p.getFileName().toString().matches(filter)).sorted().toList();
        }
        List<AdmissionRequest> requests = new ArrayList<>();
        for (Path file : files) {
            requests.add(AdmissionRequestReader.read(Manifests.JSON.readTree(file.toFile())));
        }
        // warm-up: every request, enough rounds for the JIT
        long warm = System.nanoTime();
        for (int r = 0; r < Math.max(20, rounds / 5); r++) {
            for (AdmissionRequest request : requests) {
                handler.handle(request, snapshot);
            }
        }
        System.out.printf(Locale.ROOT, "warm-up %.1f s%n%n", (System.nanoTime() - warm) / 1e9);
        System.out.printf(Locale.ROOT, "%-58s %8s %10s %10s %12s%n", "request", "decision", "cpu p50 ms",
                "cpu p99 ms", "alloc KB/op");
        long[][] cpu = new long[requests.size()][rounds];
        long[] allocated = new long[requests.size()];
        String[] decisions = new String[requests.size()];
        long tid = Thread.currentThread().getId();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < requests.size(); i++) {
                long bytes = threads.getThreadAllocatedBytes(tid);
                long t = threads.getCurrentThreadCpuTime();
                decisions[i] = handler.handle(requests.get(i), snapshot).decision();
                cpu[i][r] = threads.getCurrentThreadCpuTime() - t;
                allocated[i] += threads.getThreadAllocatedBytes(tid) - bytes;
            }
        }
        long[] all = new long[requests.size() * rounds];
        StringBuilder perRequest = new StringBuilder();
        for (int i = 0; i < requests.size(); i++) {
            System.arraycopy(cpu[i], 0, all, i * rounds, rounds);
            Arrays.sort(cpu[i]);
            String name = files.get(i).getFileName().toString().replace(".json", "");
            double p50 = cpu[i][rounds / 2] / 1e6;
            double p99 = cpu[i][(int) (rounds * 0.99)] / 1e6;
            double kb = allocated[i] / 1024.0 / rounds;
            System.out.printf(Locale.ROOT, "%-58s %8s %10.3f %10.3f %12.1f%n", name, decisions[i], p50, p99, kb);
            perRequest.append(perRequest.length() == 0 ? "" : ",\n").append(String.format(Locale.ROOT,
                    "    \"%s\": {\"decision\": \"%s\", \"cpu_p50_ms\": %.4f, \"cpu_p99_ms\": %.4f, \"alloc_kb\": %.1f}",
                    name, decisions[i], p50, p99, kb));
        }
        Arrays.sort(all);
        long total = Arrays.stream(all).sum();
        double p50 = all[all.length / 2] / 1e6;
        double p99 = all[(int) (all.length * 0.99)] / 1e6;
        double perCpuSecond = all.length / (total / 1e9);
        System.out.printf(Locale.ROOT, "%nall: p50 %.3f ms, p99 %.3f ms, max %.3f ms CPU; %.0f decisions per CPU-second%n",
                p50, p99, all[all.length - 1] / 1e6, perCpuSecond);
        if (json != null) {
            Files.writeString(json, String.format(Locale.ROOT, "{%n  \"rounds\": %d,%n  \"cpu_p50_ms\": %.4f,%n"
                    + "  \"cpu_p99_ms\": %.4f,%n  \"decisions_per_cpu_second\": %.1f,%n  \"requests\": {%n%s%n  }%n}%n",
                    rounds, p50, p99, perCpuSecond, perRequest));
        }
    }
}
