import java.io.IOException;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Load driver for netpol-guard's POST /validate: sends AdmissionReview bodies round-robin over a fixed
 * number of connections (one thread each, HTTP/1.1, keep-alive), after a warm-up, for a bounded time or
 * number of requests, and reports throughput and latency percentiles, overall and per request file.
 * Java 17 single-file program, JDK only:
 *
 * <pre>
 * java LoadDriver.java --url https://127.0.0.1:8443/validate --requests DIR [--filter REGEX]
 *      [--connections 8] [--warmup 10] [--duration 30] [--count N] [--rate R] [--json FILE] [--label TEXT]
 *      [--client jdk|socket]
 * </pre>
 *
 * --client picks what sends the measured requests: jdk (default) is java.net.http.HttpClient, whose send() hands
 * each answer from its selector thread through an executor to the caller; socket is one blocking TLS socket per
 * connection, written and read by its own thread (as a Go client such as the API server does with a goroutine per
 * call), so the latency has no thread hops of the driver's in it.
 *
 * --rate R paces the requests at R per second over all connections (each connection sends one every
 * connections/R seconds); a request's latency then counts from when it was due, so a guard that falls behind
 * shows it in the latencies (no coordinated omission), and the rate reached is reported. Without it each
 * connection sends its next request as soon as the last one is answered (closed loop).
 *
 * --timeline FILE writes, per 100 ms of wall clock (epoch ms), the requests that completed with 200, got another
 * status, found the port closed (connection refused) or broke off (reset, closed mid-request): what a restart
 * of the guard costs.
 * --warmup and --duration are seconds; --count N stops after N measured requests (then --duration is
 * only an upper bound). Latency is client-side wall time per request (send to last byte), recorded in
 * nanoseconds in plain arrays and sorted at the end (no histogram, no coordinated-omission correction:
 * closed loop). HTTPS trusts any certificate (the guard's is self-signed) and skips host name checks.
 */
public class LoadDriver {
    private static final Pattern DECISION = Pattern.compile("\"decision\"\\s*:\\s*\"([a-z]+)\"");

    record Body(String name, byte[] bytes) {
    }

    /** Latencies of one thread: nanos and the index of the body sent. */
    static final class Recorder {
        long[] nanos = new long[1 << 16];
        int[] which = new int[1 << 16];
        int size;
        long errors;

        void add(long n, int w) {
            if (size == nanos.length) {
                nanos = Arrays.copyOf(nanos, size * 2);
                which = Arrays.copyOf(which, size * 2);
            }
            nanos[size] = n;
            which[size++] = w;
        }
    }

    /** Outcomes per 100 ms of wall clock. */
    static final class Timeline {
        static final int OK = 0;
        static final int STATUS = 1;
        static final int REFUSED = 2;
        static final int BROKEN = 3;
        private final Map<Long, long[]> slots = new java.util.concurrent.ConcurrentSkipListMap<>();

        void add(int outcome) {
            long[] counts = slots.computeIfAbsent(System.currentTimeMillis() / 100 * 100, k -> new long[4]);
            synchronized (counts) {
                counts[outcome]++;
            }
        }

        void write(Path file) throws IOException {
            StringBuilder out = new StringBuilder("epochMs ok otherStatus refused broken\n");
            slots.forEach((ms, c) -> out.append(ms).append(' ').append(c[OK]).append(' ').append(c[STATUS]).append(' ')
                    .append(c[REFUSED]).append(' ').append(c[BROKEN]).append('\n'));
            Files.writeString(file, out);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --name value ...; got " + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        URI url = URI.create(opts.getOrDefault("url", "https://127.0.0.1:8443/validate"));
        Path dir = Path.of(opts.getOrDefault("requests", "requests"));
        Pattern filter = Pattern.compile(opts.getOrDefault("filter", ".*"));
        int connections = Integer.parseInt(opts.getOrDefault("connections", "8"));
        double warmup = Double.parseDouble(opts.getOrDefault("warmup", "10"));
        double duration = Double.parseDouble(opts.getOrDefault("duration", "30"));
        long count = Long.parseLong(opts.getOrDefault("count", "0"));
        double rate = Double.parseDouble(opts.getOrDefault("rate", "0"));
        long interval = rate > 0 ? (long) (1e9 * connections / rate) : 0;
        String label = opts.getOrDefault("label", dir.toString());

        List<Body> bodies = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String name = file.getFileName().toString().replaceFirst("\\.json$", "");
                if (filter.matcher(name).find()) {
                    bodies.add(new Body(name, Files.readAllBytes(file)));
                }
            }
        }
        if (bodies.isEmpty()) {
            throw new IllegalArgumentException("no request files in " + dir + " match " + filter);
        }

        String clientKind = opts.getOrDefault("client", "jdk");
        if (!clientKind.equals("jdk") && !clientKind.equals("socket")) {
            throw new IllegalArgumentException("--client is jdk or socket; got " + clientKind);
        }
        boolean socketClient = clientKind.equals("socket");
        SSLContext sslContext = trustAll();
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(sslContext)
                .sslParameters(noHostnameCheck()).connectTimeout(Duration.ofSeconds(5)).build();
        // Check every body once and learn its decision.
        Map<String, String> decisions = new ConcurrentHashMap<>();
        for (int i = 0; i < bodies.size(); i++) {
            HttpResponse<String> response = send(client, url, bodies.get(i), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(bodies.get(i).name() + ": HTTP " + response.statusCode() + ": "
                        + response.body());
            }
            Matcher m = DECISION.matcher(response.body());
            decisions.put(bodies.get(i).name(), m.find() ? m.group(1) : "?");
        }

        Timeline timeline = opts.containsKey("timeline") ? new Timeline() : null;
        AtomicLong next = new AtomicLong();
        AtomicLong measured = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        // the wall-clock time measuring starts, for lining up the guard's own log with the measured requests
        long measureFromEpochMs = System.currentTimeMillis() + (measureFrom - System.nanoTime()) / 1_000_000;
        long deadline = measureFrom + (long) (duration * 1e9);
        Recorder[] recorders = new Recorder[connections];
        long[] measureEnd = new long[connections];
        CountDownLatch done = new CountDownLatch(connections);
        for (int t = 0; t < connections; t++) {
            Recorder recorder = recorders[t] = new Recorder();
            int thread = t;
            Thread worker = new Thread(() -> {
                SocketClient socket = socketClient ? new SocketClient(url, sslContext) : null;
                try {
                    long due = start + interval * thread / connections;
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= deadline || (count > 0 && now >= measureFrom && measured.get() >= count)) {
                            break;
                        }
                        int w = (int) (next.getAndIncrement() % bodies.size());
                        if (interval > 0 && due > now) {
                            java.util.concurrent.locks.LockSupport.parkNanos(due - now);
                        }
                        long t0 = interval > 0 ? due : System.nanoTime();
                        due += interval;
                        try {
                            int status = socket != null ? socket.post(bodies.get(w).bytes())
                                    : send(client, url, bodies.get(w), HttpResponse.BodyHandlers.ofByteArray()).statusCode();
                            long t1 = System.nanoTime();
                            if (timeline != null) {
                                timeline.add(status == 200 ? Timeline.OK : Timeline.STATUS);
                            }
                            if (t0 >= measureFrom) {
                                if (status != 200) {
                                    recorder.errors++;
                                } else if (count == 0 || measured.getAndIncrement() < count) {
                                    recorder.add(t1 - t0, w);
                                }
                            }
                        } catch (IOException e) {
                            if (timeline != null) {
                                timeline.add(e instanceof java.net.ConnectException ? Timeline.REFUSED : Timeline.BROKEN);
                            }
                            if (t0 >= measureFrom) {
                                recorder.errors++;
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (socket != null) {
                        socket.close();
                    }
                    measureEnd[thread] = System.nanoTime();
                    done.countDown();
                }
            }, "driver-" + t);
            worker.setDaemon(true);
            worker.start();
        }
        done.await();
        long end = Arrays.stream(measureEnd).max().orElse(System.nanoTime());
        double seconds = (end - Math.max(measureFrom, start)) / 1e9;

        int total = Arrays.stream(recorders).mapToInt(r -> r.size).sum();
        long errors = Arrays.stream(recorders).mapToLong(r -> r.errors).sum();
        long[] all = new long[total];
        List<List<Long>> perBody = new ArrayList<>();
        bodies.forEach(b -> perBody.add(new ArrayList<>()));
        int k = 0;
        for (Recorder r : recorders) {
            for (int i = 0; i < r.size; i++) {
                all[k++] = r.nanos[i];
                perBody.get(r.which[i]).add(r.nanos[i]);
            }
        }
        Arrays.sort(all);
        double throughput = total / seconds;

        StringBuilder json = new StringBuilder();
        json.append("{\"label\":\"").append(label).append("\",\"url\":\"").append(url).append("\",\"client\":\"")
                .append(clientKind).append("\",\"connections\":")
                .append(connections).append(",\"warmupSeconds\":").append(warmup)
                .append(",\"measuredFromEpochMs\":").append(measureFromEpochMs).append(",\"seconds\":")
                .append(fmt(seconds)).append(",\"requests\":").append(total).append(",\"errors\":").append(errors)
                .append(",\"throughput\":").append(fmt(throughput)).append(",\"targetRate\":").append(fmt(rate))
                .append(",\"latencyMs\":").append(percentiles(all))
                .append(",\"perRequest\":{");
        System.out.printf(Locale.ROOT, "%s: %d requests in %.1f s over %d connections (warm-up %.0f s), %d errors%n",
                label, total, seconds, connections, warmup, errors);
        if (rate > 0) {
            System.out.printf(Locale.ROOT, "paced at %.0f requests/s, reached %.0f/s%n", rate, throughput);
        }
        System.out.printf(Locale.ROOT, "throughput %.0f decisions/s; latency ms p50 %.3f p90 %.3f p99 %.3f max %.3f%n",
                throughput, ms(pct(all, 50)), ms(pct(all, 90)), ms(pct(all, 99)), ms(all.length == 0 ? 0 : all[all.length - 1]));
        System.out.printf(Locale.ROOT, "%-62s %-6s %8s %9s %9s %9s %9s%n", "request", "answer", "count", "p50 ms", "p90 ms",
                "p99 ms", "max ms");
        for (int i = 0; i < bodies.size(); i++) {
            long[] mine = perBody.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
            String name = bodies.get(i).name();
            System.out.printf(Locale.ROOT, "%-62s %-6s %8d %9.3f %9.3f %9.3f %9.3f%n", name, decisions.get(name), mine.length,
                    ms(pct(mine, 50)), ms(pct(mine, 90)), ms(pct(mine, 99)), ms(mine.length == 0 ? 0 : mine[mine.length - 1]));
            json.append(i == 0 ? "" : ",").append('"').append(name).append("\":{\"decision\":\"").append(decisions.get(name))
                    .append("\",\"count\":").append(mine.length).append(",\"latencyMs\":").append(percentiles(mine)).append('}');
        }
        json.append("},\"perGroup\":{");
        Map<String, List<Long>> groups = new TreeMap<>();
        for (int i = 0; i < bodies.size(); i++) {
            String group = bodies.get(i).name().split("--")[0];
            groups.computeIfAbsent(group, g -> new ArrayList<>()).addAll(perBody.get(i));
        }
        int g = 0;
        for (Map.Entry<String, List<Long>> group : groups.entrySet()) {
            long[] mine = group.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
            json.append(g++ == 0 ? "" : ",").append('"').append(group.getKey()).append("\":{\"count\":").append(mine.length)
                    .append(",\"latencyMs\":").append(percentiles(mine)).append('}');
        }
        if (opts.containsKey("subset")) {
            Pattern subset = Pattern.compile(opts.get("subset"));
            List<Long> chosen = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                if (subset.matcher(bodies.get(i).name()).find()) {
                    chosen.addAll(perBody.get(i));
                }
            }
            long[] mine = chosen.stream().mapToLong(Long::longValue).sorted().toArray();
            json.append("},\"subset\":{\"pattern\":\"").append(subset.pattern().replace("\\", "\\\\"))
                    .append("\",\"count\":").append(mine.length).append(",\"latencyMs\":").append(percentiles(mine));
            System.out.printf(Locale.ROOT, "requests matching %s: %d, latency ms p50 %.3f p90 %.3f p99 %.3f max %.3f%n",
                    subset.pattern(), mine.length, ms(pct(mine, 50)), ms(pct(mine, 90)), ms(pct(mine, 99)),
                    ms(mine.length == 0 ? 0 : mine[mine.length - 1]));
        }
        long cpuNanos = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
        json.append("},\"driverCpuMs\":").append(fmt(cpuNanos / 1e6)).append('}');
        System.out.printf(Locale.ROOT, "driver process CPU %.1f s (whole run, incl. JVM start and warm-up)%n", cpuNanos / 1e9);
        if (opts.containsKey("json")) {
            Files.writeString(Path.of(opts.get("json")), json + "\n");
        }
        if (timeline != null) {
            timeline.write(Path.of(opts.get("timeline")));
        }
        System.exit(errors > 0 ? 1 : 0);
    }

    private static <T> HttpResponse<T> send(HttpClient client, URI url, Body body, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
                .build();
        return client.send(request, handler);
    }

    /**
     * One HTTP/1.1 keep-alive connection on a blocking socket, read and written by the calling thread alone: no
     * selector or executor threads between the request and its answer (the JDK client hands each response through
     * two). Reconnects after an error or a "Connection: close".
     */
    static final class SocketClient {
        private final URI url;
        private final SSLContext sslContext;
        private java.net.Socket socket;
        private java.io.InputStream in;
        private java.io.OutputStream out;

        SocketClient(URI url, SSLContext sslContext) {
            this.url = url;
            this.sslContext = sslContext;
        }

        /** Sends {@code body} as a POST and reads the whole answer: its status code. */
        int post(byte[] body) throws IOException {
            if (socket == null) {
                connect();
            }
            try {
                String head = "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
                byte[] headBytes = head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
                System.arraycopy(body, 0, request, headBytes.length, body.length);
                out.write(request);
                out.flush();
                return readResponse();
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        private void connect() throws IOException {
            int port = url.getPort() > 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
            socket = url.getScheme().equals("https") ? sslContext.getSocketFactory().createSocket(url.getHost(), port)
                    : new java.net.Socket(url.getHost(), port);
            socket.setTcpNoDelay(true);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        }

        private int readResponse() throws IOException {
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.1 answer: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            boolean closeAfter = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closeAfter = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                        size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) { // trailers
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                throw new IOException("an answer without Content-Length or chunked encoding");
            }
            if (closeAfter) {
                close();
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException("connection closed mid-answer");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        private void skip(long bytes) throws IOException {
            for (long left = bytes; left > 0; ) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new java.io.EOFException("connection closed mid-answer");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }

        void close() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing a broken connection
            }
            socket = null;
        }
    }

    private static String percentiles(long[] sorted) {
        return String.format(Locale.ROOT, "{\"p50\":%s,\"p90\":%s,\"p99\":%s,\"p999\":%s,\"max\":%s,\"mean\":%s}",
                fmt(ms(pct(sorted, 50))), fmt(ms(pct(sorted, 90))), fmt(ms(pct(sorted, 99))), fmt(ms(pct(sorted, 99.9))),
                fmt(ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1])),
                fmt(ms(sorted.length == 0 ? 0 : (long) Arrays.stream(sorted).average().orElse(0))));
    }

    /** Nearest-rank percentile of a sorted array. */
    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
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

    private static SSLParameters noHostnameCheck() {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("");
        return parameters;
    }
}
