import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Loads a generated cluster into a kube-apiserver: reads files of requests written by generate.py, one
 * per line (METHOD TAB PATH TAB CONTENT-TYPE TAB BODY), files in the given order, requests of one file
 * concurrently (HTTP/2, --inflight at a time), and prints per file how many, how long and how fast.
 * 409 Conflict (already exists) counts as done, so a load can be repeated. Java 17 single-file, JDK only:
 *
 * <pre>java ApiLoad.java --server https://127.0.0.1:PORT --token TOKEN [--inflight 64] FILE...</pre>
 */
public class ApiLoad {
    public static void main(String[] args) throws Exception {
        String server = null;
        String token = null;
        int inflight = 64;
        int first = 0;
        for (; first < args.length && args[first].startsWith("--"); first += 2) {
            switch (args[first]) {
                case "--server" -> server = args[first + 1];
                case "--token" -> token = args[first + 1];
                case "--inflight" -> inflight = Integer.parseInt(args[first + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[first]);
            }
        }
        if (server == null || token == null) {
            throw new IllegalArgumentException("usage: --server URL --token TOKEN [--inflight N] FILE...");
        }
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trustAll())
                .connectTimeout(Duration.ofSeconds(10)).build();
        long failedTotal = 0;
        long allStart = System.nanoTime();
        for (int i = first; i < args.length; i++) {
            Path file = Path.of(args[i]);
            List<String> lines = Files.readAllLines(file);
            Semaphore slots = new Semaphore(inflight);
            AtomicLong ok = new AtomicLong();
            AtomicLong conflicts = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            long start = System.nanoTime();
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t", 4);
                HttpRequest request = HttpRequest.newBuilder(URI.create(server + parts[1]))
                        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
                        .header("Content-Type", parts[2]).header("Accept", "application/json")
                        .method(parts[0], HttpRequest.BodyPublishers.ofString(parts[3])).build();
                slots.acquire();
                CompletableFuture<HttpResponse<String>> future = sendWithRetry(client, request, 5);
                future.whenComplete((response, error) -> {
                    try {
                        if (error != null) {
                            if (failed.incrementAndGet() <= 5) {
                                System.err.println(file.getFileName() + ": " + parts[0] + " " + parts[1] + ": " + error);
                            }
                        } else if (response.statusCode() / 100 == 2) {
                            ok.incrementAndGet();
                        } else if (response.statusCode() == 409) {
                            conflicts.incrementAndGet();
                        } else if (failed.incrementAndGet() <= 5) {
                            System.err.println(file.getFileName() + ": " + parts[0] + " " + parts[1] + ": HTTP "
                                    + response.statusCode() + " " + response.body().substring(0,
                                    Math.min(300, response.body().length())));
                        }
                    } finally {
                        slots.release();
                    }
                });
            }
            slots.acquire(inflight);
            double seconds = (System.nanoTime() - start) / 1e9;
            long done = ok.get() + conflicts.get();
            System.out.printf(Locale.ROOT, "%-28s %8d requests %8.1f s %8.0f /s  (%d ok, %d already there, %d failed)%n",
                    file.getFileName(), done + failed.get(), seconds, (done + failed.get()) / seconds, ok.get(),
                    conflicts.get(), failed.get());
            failedTotal += failed.get();
        }
        System.out.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - allStart) / 1e9);
        System.exit(failedTotal > 0 ? 1 : 0);
    }

    /** Retries 429 (API priority and fairness) and 5xx / connection errors a few times. */
    private static CompletableFuture<HttpResponse<String>> sendWithRetry(HttpClient client, HttpRequest request, int left) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            boolean retry = left > 0 && (error != null || response.statusCode() == 429 || response.statusCode() >= 500);
            if (!retry) {
                return error != null ? CompletableFuture.<HttpResponse<String>>failedFuture(error)
                        : CompletableFuture.completedFuture(response);
            }
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .thenCompose(x -> sendWithRetry(client, request, left - 1));
        }).thenCompose(f -> f);
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
