package io.netpolguard.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * netpol-guard as it runs in production, but outside a pod: {@code java -jar
 * target/quarkus-app/quarkus-run.jar} with a kubeconfig for the e2e API server, reading the live
 * cluster, serving HTTPS with a certificate from certs/create-certs.sh on a free loopback port, and
 * health and metrics on the management interface on another free port (plain HTTP). With the
 * Deployment's QUARKUS_HTTP_INSECURE_REQUESTS=disabled there is no plain HTTP port for the webhook:
 * /validate and /flows are HTTPS, verified against the test CA.
 */
final class GuardProcess implements AutoCloseable {
    /**
     * The tenant host of the test DynaKube and the address the guard is told for it (no DNS in tests);
     * the EdgeConnect's hosts likewise.
     */
    static final String TENANT_HOST = "abc12345.live.dynatrace.com";
    static final String TENANT_ADDRESS = "203.0.113.10";

    private final Path jar;
    private final Path work;
    private final Path kubeconfig;
    private final Path tlsDir;
    private final Path log;
    private Process process;
    private int httpPort;
    private int httpsPort;
    private int managementPort;
    /** Trusts the test CA only and checks that the certificate names 127.0.0.1, as the API server does. */
    private HttpClient https;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .proxy(HttpClient.Builder.NO_PROXY).build();

    private final Map<String, String> deploymentEnv;
    private final List<String> extraProperties;

    /**
     * @param deploymentEnv the NETPOL_GUARD_* and QUARKUS_* environment of the Deployment in
     *     k8s/base, its Secret mount path already replaced with {@code tlsDir}: the guard runs with
     *     the configuration it gets in a cluster
     */
    GuardProcess(Path jar, Path work, Path kubeconfig, Path tlsDir, Map<String, String> deploymentEnv) {
        this(jar, work, kubeconfig, tlsDir, deploymentEnv, List.of());
    }

    /** @param extraProperties more {@code -D} settings of a test class (after the harness's own) */
    GuardProcess(Path jar, Path work, Path kubeconfig, Path tlsDir, Map<String, String> deploymentEnv,
            List<String> extraProperties) {
        this.extraProperties = List.copyOf(extraProperties);
        this.jar = jar;
        this.work = work;
        this.kubeconfig = kubeconfig;
        this.tlsDir = tlsDir;
        this.deploymentEnv = deploymentEnv;
        this.log = work.resolve("netpol-guard.log");
    }

    int httpsPort() {
        return httpsPort;
    }

    int managementPort() {
        return managementPort;
    }

    /** The port the guard would serve plain HTTP on, were insecure requests not disabled. */
    int httpPort() {
        return httpPort;
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /**
     * Starts the guard with the Deployment's environment and waits until /q/health/ready (management
     * port, plain HTTP) says every informer has synced. Returns null when it serves HTTPS, else what is
     * wrong (with insecure requests disabled and no certificate it does not start at all; see
     * {@link #restartWithCertificateProperties()}).
     */
    String start() throws IOException {
        return start(false);
    }

    /**
     * Restarts the guard with the certificate files given as system properties
     * ({@code -Dquarkus.tls.key-store.pem.0.cert/key}) instead of the Deployment's variables, so the
     * scenarios can run when those variables do not work. Fails unless it then serves HTTPS.
     */
    void restartWithCertificateProperties() throws IOException {
        stop();
        String problem = start(true);
        if (problem != null) {
            throw new AssertionError(problem);
        }
    }

    private String start(boolean certificateProperties) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " does not exist: the e2e tests need the packaged application "
                    + "(run them with ./mvnw verify -Pe2e, which packages first)");
        }
        httpPort = Ports.free();
        httpsPort = Ports.free();
        managementPort = Ports.free();
        https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).proxy(HttpClient.Builder.NO_PROXY)
                .sslContext(trustingTheTestCa()).build();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java,
                // Small and gentle on a 2-core machine: the guard's work here is a handful of decisions.
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.management.host=127.0.0.1",
                "-Dnetpol-guard.resolver.dns=false",
                "-Dnetpol-guard.hosts.\"" + TENANT_HOST + "\"=" + TENANT_ADDRESS,
                "-Dnetpol-guard.hosts.\"abc12345.apps.dynatrace.com\"=203.0.113.30",
                "-Dnetpol-guard.hosts.\"sso.dynatrace.com\"=203.0.113.40",
                // GET /flows is the readiness barrier of the tests: keep it fresh.
                "-Dnetpol-guard.server.audit-interval=1s"));
        command.addAll(extraProperties);
        // The Deployment's environment (NETPOL_GUARD_SERVER_SOURCE=cluster, the certificate files, no
        // plain HTTP), then what differs outside a pod: the kubeconfig, free ports, a short reload period.
        Map<String, String> env = new TreeMap<>(deploymentEnv);
        if (certificateProperties) {
            env.keySet().removeIf(name -> name.startsWith("QUARKUS_TLS_KEY_STORE_"));
            command.add("-Dquarkus.tls.key-store.pem.0.cert=" + tlsDir.resolve("tls.crt"));
            command.add("-Dquarkus.tls.key-store.pem.0.key=" + tlsDir.resolve("tls.key"));
        }
        command.addAll(List.of("-jar", jar.toString()));
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("QUARKUS_TLS_RELOAD_PERIOD", "2s");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        env.put("QUARKUS_HTTP_SSL_PORT", Integer.toString(httpsPort));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        Files.writeString(work.resolve("netpol-guard.command"), env.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"))
                + String.join(" ", command) + "\n");
        String configuration = certificateProperties ? "the certificate given as system properties"
                : "the environment of the Deployment in k8s/base";
        String hint = " (" + work.resolve("netpol-guard.command") + "). Quarkus 3.33 ignores "
                + "QUARKUS_TLS_KEY_STORE_PEM_0_CERT/_KEY (no HTTPS port, no error); it applies "
                + "QUARKUS_TLS_KEY_STORE_PEM__0__CERT/__KEY (quarkus.tls.key-store.pem.\"0\".cert) and the system "
                + "properties quarkus.tls.key-store.pem.0.cert/key";
        long start = System.nanoTime();
        process = Processes.start(command, work, env, log);
        try {
            ControlPlane.await("netpol-guard", process, log,
                    () -> ControlPlane.httpOk(managementUri("/q/health/ready"), null));
        } catch (AssertionError e) {
            if (process.isAlive()) {
                throw e;
            }
            // With insecure requests disabled, a guard without a certificate refuses to start.
            return "netpol-guard did not start with " + configuration + hint + ": " + e.getMessage();
        }
        try {
            servedCertificate();
        } catch (UncheckedIOException e) {
            return "netpol-guard is ready but serves no HTTPS on 127.0.0.1:" + httpsPort + " with " + configuration
                    + hint + ": " + e.getCause();
        }
        ControlPlane.log("netpol-guard ready on https://127.0.0.1:%d (management http://127.0.0.1:%d) in %d ms (pid %d)",
                httpsPort, managementPort, (System.nanoTime() - start) / 1_000_000, process.pid());
        return null;
    }

    private SSLContext trustingTheTestCa() {
        try {
            return new TlsClient(tlsDir.resolve("ca.crt")).sslContext();
        } catch (Exception e) {
            throw new AssertionError("cannot read the test CA " + tlsDir.resolve("ca.crt"), e);
        }
    }

    /** A URI on the management port (plain HTTP: health, metrics). */
    URI managementUri(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    /** A URI on the webhook's HTTPS port (/validate, /flows). */
    URI httpsUri(String path) {
        return URI.create("https://127.0.0.1:" + httpsPort + path);
    }

    /** GET on the HTTPS port of the webhook (/flows); fails unless 200. */
    String get(String path) {
        return get(httpsUri(path));
    }

    /** GET on the management port (health, metrics); fails unless 200. */
    String management(String path) {
        return get(managementUri(path));
    }

    /** The status code of a GET: over HTTPS verified against the test CA, or plain HTTP. */
    int status(URI uri) {
        try {
            return client(uri).send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private HttpClient client(URI uri) {
        return uri.getScheme().equals("https") ? https : http;
    }

    private String get(URI uri) {
        try {
            HttpResponse<String> response = client(uri).send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + uri + ": " + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** POST an AdmissionReview to /validate over HTTPS, as the API server does. */
    String validate(String review) {
        try {
            HttpResponse<String> response = https.send(HttpRequest.newBuilder(httpsUri("/validate"))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(review)).build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("POST /validate", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Whether anything accepts connections on the plain HTTP port. */
    boolean plainHttpPortOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", httpPort), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The certificate the guard serves on its HTTPS port right now (handshake only, nothing trusted). */
    X509Certificate servedCertificate() {
        try (SSLSocket socket = (SSLSocket) ControlPlane.trustAll().getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", httpsPort), 2000);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        } catch (IOException e) {
            throw new UncheckedIOException("TLS handshake with 127.0.0.1:" + httpsPort, e);
        }
    }

    /** SIGSTOP: the guard accepts connections (the kernel does) but never answers, like a hung JVM. */
    void suspend() {
        signal("STOP");
    }

    /** SIGCONT after {@link #suspend()}. */
    void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        if (!alive()) {
            return;
        }
        Processes.check(List.of("kill", "-" + signal, Long.toString(process.pid())), work, Map.of(), null,
                Duration.ofSeconds(10), work.resolve("tmp"));
    }

    /** SIGKILL, as when its node dies: nothing runs on the way out (no Lease released). Waits until it is gone. */
    void kill() {
        if (alive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the guard (SIGCONT in case it is suspended, SIGTERM, then SIGKILL after 15 s). */
    void stop() {
        if (alive()) {
            try {
                resume();
            } catch (RuntimeException | AssertionError e) {
                // SIGTERM and SIGKILL follow anyway
            }
        }
        Processes.stop(process, "netpol-guard", Duration.ofSeconds(15));
    }

    @Override
    public void close() {
        stop();
    }
}
