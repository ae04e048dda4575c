import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Pod churn through the API, as rolling updates make it: Deployment pods of the application namespaces (read from
 * generate.py's 03-pods.ndjson and 04-pod-status.ndjson) are replaced one after the other: the old pod is deleted, a
 * new one with a new pod-template-hash (and name) is created, and its status (podIP, Running) is written, as the
 * kubelet would. At most 32 replacements are in flight; a tick that finds them all busy is skipped and counted. Each of these three writes is one pod change the guard's informer sees; --rate is pod changes per
 * second (a replacement starts every 3/rate s). Prints what it did as one JSON line. Java 17 single-file, JDK only:
 *
 * <pre>java PodChurn.java --server URL --token TOKEN --api DIR --rate 100 --duration 60 [--seed 7]</pre>
 */
public class PodChurn {
    private static final Pattern NAME = Pattern.compile("\"name\":\"([^\"]+)\",\"namespace\":\"([^\"]+)\"");
    private static final Pattern HASH = Pattern.compile("\"pod-template-hash\":\"([^\"]+)\"");
    private static final List<String> PLATFORM = List.of("kube-system", "dynatrace", "netpol-guard", "monitoring",
            "ingress-nginx", "default");

    /** A pod that can be replaced: where it is, its current name, its original create and status bodies. */
    private static final class Slot {
        final String namespace;
        final String createBody;
        final String statusBody;
        final String originalName;
        final String originalHash;
        String name;
        int generation;

        Slot(String namespace, String name, String hash, String createBody, String statusBody) {
            this.namespace = namespace;
            this.name = name;
            this.createBody = createBody;
            this.statusBody = statusBody;
            this.originalName = name;
            this.originalHash = hash;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        String server = required(options, "--server");
        String token = required(options, "--token");
        Path api = Path.of(required(options, "--api"));
        double rate = Double.parseDouble(options.getOrDefault("--rate", "100"));
        double duration = Double.parseDouble(options.getOrDefault("--duration", "60"));
        long seed = Long.parseLong(options.getOrDefault("--seed", "7"));

        List<Slot> slots = slots(api);
        Collections.shuffle(slots, new Random(seed));
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trustAll())
                .connectTimeout(Duration.ofSeconds(10)).build();

        AtomicLong writes = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong replaced = new AtomicLong();
        AtomicLong started = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        // at most this many replacements in flight: when the API server falls behind, ticks are skipped (and counted)
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(32);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long periodNanos = (long) (3e9 / rate);
        long begin = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            if (!inFlight.tryAcquire()) {
                skipped.incrementAndGet();
                return;
            }
            long n = started.getAndIncrement();
            Slot slot = slots.get((int) (n % slots.size()));
            // a slot comes round again only after every other candidate pod: its last replacement is long done
            replace(client, server, token, slot, writes, failed).whenComplete((x, e) -> {
                replaced.incrementAndGet();
                inFlight.release();
            });
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        // the summary also when stopped early (SIGTERM): the harness stops the churn when its phases are done
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ticker.shutdownNow();
            double seconds = (System.nanoTime() - begin) / 1e9;
            System.out.printf(Locale.ROOT, "{\"targetChangesPerSecond\":%.1f,\"seconds\":%.1f,\"replacementsStarted\":%d,"
                    + "\"replacementsDone\":%d,\"replacementsSkipped\":%d,\"writesOk\":%d,\"writesFailed\":%d,"
                    + "\"changesPerSecond\":%.1f,\"candidatePods\":%d}%n", rate, seconds, started.get(), replaced.get(),
                    skipped.get(), writes.get(), failed.get(), writes.get() / seconds, slots.size());
        }));
        Thread.sleep((long) (duration * 1000));
        System.exit(0);
    }

    /** Delete the pod, create its successor with a new hash, write the successor's status: three changes. */
    private static CompletableFuture<Void> replace(HttpClient client, String server, String token, Slot slot,
            AtomicLong writes, AtomicLong failed) {
        String oldName = slot.name;
        slot.generation++;
        // the pods of one Deployment share the new hash in each round, as in a rollout
        String newHash = "g" + slot.generation + slot.originalHash.substring(Math.min(2, slot.originalHash.length()));
        String newName = slot.originalName.replace(slot.originalHash, newHash);
        String create = slot.createBody.replace(slot.originalName, newName).replace(slot.originalHash, newHash);
        String status = slot.statusBody;
        slot.name = newName;
        String pods = server + "/api/v1/namespaces/" + slot.namespace + "/pods/";
        String finalName = newName;
        // gracePeriodSeconds=0: without a kubelet a graceful delete would only mark the pod terminating, for ever
        return send(client, token, "DELETE", pods + oldName + "?gracePeriodSeconds=0", "application/json", "", writes, failed)
                .thenCompose(x -> send(client, token, "POST", server + "/api/v1/namespaces/" + slot.namespace + "/pods",
                        "application/json", create, writes, failed))
                .thenCompose(x -> send(client, token, "PATCH", pods + finalName + "/status",
                        "application/merge-patch+json", status, writes, failed));
    }

    private static CompletableFuture<Void> send(HttpClient client, String token, String method, String url,
            String contentType, String body, AtomicLong writes, AtomicLong failed) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (!body.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                writes.incrementAndGet();
            } else if (failed.incrementAndGet() <= 5) {
                System.err.println(method + " " + url + ": " + (error != null ? error
                        : "HTTP " + response.statusCode() + " " + response.body().substring(0, Math.min(200, response.body().length()))));
            }
            return null;
        });
    }

    /** Deployment pods (they have a pod-template-hash) outside the platform namespaces, with their status patches. */
    private static List<Slot> slots(Path api) throws Exception {
        Map<String, String> statusByPath = new HashMap<>();
        try (var lines = Files.lines(api.resolve("04-pod-status.ndjson"))) {
            lines.filter(l -> !l.isBlank()).forEach(line -> {
                String[] parts = line.split("\t", 4);
                statusByPath.put(parts[1], parts[3]);
            });
        }
        List<Slot> slots = new ArrayList<>();
        try (var lines = Files.lines(api.resolve("03-pods.ndjson"))) {
            lines.filter(l -> !l.isBlank()).forEach(line -> {
                String body = line.split("\t", 4)[3];
                Matcher name = NAME.matcher(body);
                Matcher hash = HASH.matcher(body);
                if (!name.find() || !hash.find() || PLATFORM.contains(name.group(2))) {
                    return;
                }
                String status = statusByPath.get("/api/v1/namespaces/" + name.group(2) + "/pods/" + name.group(1) + "/status");
                if (status != null && name.group(1).contains(hash.group(1))) {
                    slots.add(new Slot(name.group(2), name.group(1), hash.group(1), body, status));
                }
            });
        }
        if (slots.isEmpty()) {
            throw new IllegalStateException("no Deployment pods with a status in " + api);
        }
        return slots;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("usage: --server URL --token TOKEN --api DIR [--rate N] [--duration S]");
        }
        return value;
    }

    private static SSLContext trustAll() throws Exception {
        TrustManager[] trustAll = {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }};
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustAll, new SecureRandom());
        return context;
    }
}
