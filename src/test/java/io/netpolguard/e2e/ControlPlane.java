package io.netpolguard.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * etcd and kube-apiserver from the binaries e2e/build-binaries.sh caches, on free loopback ports,
 * with static token users, RBAC and an audit log. The flags are the ones e2e/smoke.sh proved on
 * loopback (--advertise-address 127.0.0.1 needs --endpoint-reconciler-type none).
 */
final class ControlPlane implements AutoCloseable {
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(Long.getLong("e2e.startupTimeoutSeconds", 180));

    /** A static token user; {@code groups} as the token file wants them, comma-separated. */
    record User(String name, String token, String groups) {
    }

    private final Path bin;
    private final Path work;
    private final Path pki;
    private final Path auditLog;
    private final User admin;
    private final User developer;
    private final User oncall;
    private final User approver;
    private final User guard;
    private Process etcd;
    private Process apiserver;
    private int etcdPort;
    private int apiPort;

    ControlPlane(Path bin, Path work) {
        this.bin = bin;
        this.work = work;
        this.pki = work.resolve("pki");
        this.auditLog = work.resolve("audit.log");
        this.admin = new User("e2e-admin", token(), "system:masters");
        this.developer = new User("developer", token(), "e2e:developers");
        this.oncall = new User("oncall", token(), "e2e:sre");
        this.approver = new User("approver", token(), "e2e:security");
        // The guard authenticates as its ServiceAccount would in a cluster, so the ClusterRoleBinding of
        // k8s/base (subject ServiceAccount netpol-guard/netpol-guard) applies to it.
        this.guard = new User("system:serviceaccount:netpol-guard:netpol-guard", token(),
                "system:serviceaccounts,system:serviceaccounts:netpol-guard");
    }

    int apiPort() {
        return apiPort;
    }

    String server() {
        return "https://127.0.0.1:" + apiPort;
    }

    Path auditLog() {
        return auditLog;
    }

    Path apiserverLog() {
        return work.resolve("kube-apiserver.log");
    }

    Path etcdLog() {
        return work.resolve("etcd.log");
    }

    boolean apiserverAlive() {
        return apiserver != null && apiserver.isAlive();
    }

    void start() {
        try {
            Files.createDirectories(pki);
            Path scratch = work.resolve("tmp");
            // Serving certificate of the API server (self-signed, its own CA in the kubeconfigs) and the
            // service-account key pair, as e2e/smoke.sh makes them.
            Processes.check(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", pki.resolve("apiserver.key").toString(), "-out", pki.resolve("apiserver.crt").toString(),
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"), work, Map.of(),
                    null, Duration.ofSeconds(60), scratch);
            Processes.check(List.of("openssl", "genrsa", "-out", pki.resolve("sa.key").toString(), "2048"), work,
                    Map.of(), null, Duration.ofSeconds(60), scratch);
            Processes.check(List.of("openssl", "rsa", "-in", pki.resolve("sa.key").toString(), "-pubout", "-out",
                    pki.resolve("sa.pub").toString()), work, Map.of(), null, Duration.ofSeconds(60), scratch);
            StringBuilder tokens = new StringBuilder();
            for (User user : List.of(admin, developer, oncall, approver, guard)) {
                tokens.append(user.token()).append(',').append(user.name()).append(',').append(user.name())
                        .append("-uid,\"").append(user.groups()).append("\"\n");
            }
            Files.writeString(pki.resolve("tokens.csv"), tokens);
            try (var policy = ControlPlane.class.getResourceAsStream("/e2e/audit-policy.yaml")) {
                Files.write(work.resolve("audit-policy.yaml"), policy.readAllBytes());
            }
            saveCaForKubeconfigs();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        etcdPort = Ports.free();
        int peerPort = Ports.free();
        apiPort = Ports.free();
        etcd = Processes.start(List.of(bin.resolve("etcd").toString(),
                "--name", "e2e",
                "--data-dir", work.resolve("etcd-data").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls", "http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", "e2e=http://127.0.0.1:" + peerPort,
                "--unsafe-no-fsync"), work, Map.of(), etcdLog());
        long start = System.nanoTime();
        await("etcd", etcd, etcdLog(), () -> httpOk(URI.create("http://127.0.0.1:" + etcdPort + "/health"), null));
        log("etcd ready on 127.0.0.1:%d in %d ms (pid %d)", etcdPort, (System.nanoTime() - start) / 1_000_000, etcd.pid());

        List<String> command = new ArrayList<>(List.of(bin.resolve("kube-apiserver").toString(),
                "--etcd-servers", "http://127.0.0.1:" + etcdPort,
                "--bind-address", "127.0.0.1",
                "--advertise-address", "127.0.0.1",
                "--secure-port", Integer.toString(apiPort),
                "--tls-cert-file", pki.resolve("apiserver.crt").toString(),
                "--tls-private-key-file", pki.resolve("apiserver.key").toString(),
                "--cert-dir", work.resolve("apiserver-certs").toString(),
                "--token-auth-file", pki.resolve("tokens.csv").toString(),
                "--authorization-mode", "RBAC",
                "--service-account-issuer", "https://127.0.0.1:" + apiPort,
                "--service-account-key-file", pki.resolve("sa.pub").toString(),
                "--service-account-signing-key-file", pki.resolve("sa.key").toString(),
                "--service-cluster-ip-range", "10.0.0.0/24",
                "--endpoint-reconciler-type", "none",
                "--allow-privileged",
                "--audit-policy-file", work.resolve("audit-policy.yaml").toString(),
                "--audit-log-path", auditLog.toString(),
                "--audit-log-format", "json"));
        start = System.nanoTime();
        apiserver = Processes.start(command, work, Map.of(), apiserverLog());
        await("kube-apiserver", apiserver, apiserverLog(),
                () -> httpOk(URI.create(server() + "/readyz"), admin.token()));
        log("kube-apiserver ready on %s in %d ms (pid %d)", server(), (System.nanoTime() - start) / 1_000_000,
                apiserver.pid());
    }

    /** The API server's certificate, base64, for the kubeconfigs written once the port is known. */
    private void saveCaForKubeconfigs() throws IOException {
        String ca = Base64.getEncoder().encodeToString(Files.readAllBytes(pki.resolve("apiserver.crt")));
        Files.writeString(work.resolve("ca.b64"), ca);
    }

    /**
     * kubeconfig: contexts "admin" (system:masters), "developer" (RBAC role e2e-developer) and
     * "oncall" (e2e-developer plus the break-glass ClusterRole of k8s/base) and "approver" (e2e-developer plus, in
     * namespace dynatrace, the exemption-approver ClusterRole of k8s/base; see ExemptionIT).
     */
    Path kubeconfig() {
        return kubeconfigFile("kubeconfig", List.of(admin, developer, oncall, approver));
    }

    /** guard.kubeconfig: the guard's ServiceAccount identity only. */
    Path guardKubeconfig() {
        return kubeconfigFile("guard.kubeconfig", List.of(guard));
    }

    private Path kubeconfigFile(String name, List<User> users) {
        Path file = work.resolve(name);
        try {
            String ca = Files.readString(work.resolve("ca.b64"));
            StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n- name: e2e\n  cluster:\n"
                    + "    server: " + server() + "\n    certificate-authority-data: " + ca + "\nusers:\n");
            for (User user : users) {
                yaml.append("- name: ").append(contextName(user)).append("\n  user:\n    token: ").append(user.token())
                        .append('\n');
            }
            yaml.append("contexts:\n");
            for (User user : users) {
                yaml.append("- name: ").append(contextName(user)).append("\n  context:\n    cluster: e2e\n    user: ")
                        .append(contextName(user)).append('\n');
            }
            yaml.append("current-context: ").append(contextName(users.get(0))).append('\n');
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String contextName(User user) {
        return user == admin ? "admin" : user == developer ? "developer" : user == oncall ? "oncall"
                : user == approver ? "approver" : "netpol-guard";
    }

    @Override
    public void close() {
        Processes.stop(apiserver, "kube-apiserver", Duration.ofSeconds(10));
        Processes.stop(etcd, "etcd", Duration.ofSeconds(10));
    }

    private static String token() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    interface Probe {
        boolean ok() throws Exception;
    }

    /** Polls {@code probe} every 250 ms until it passes, the process dies or the startup timeout passes. */
    static void await(String name, Process process, Path log, Probe probe) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            try {
                if (probe.ok()) {
                    return;
                }
            } catch (Exception e) {
                // not up yet
            }
            if (process != null && !process.isAlive()) {
                throw new AssertionError(name + " exited with code " + process.exitValue() + " before it was ready; log "
                        + log + ":\n" + Processes.tail(log, 40));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " not ready after " + STARTUP_TIMEOUT.toSeconds() + " s; log " + log
                        + ":\n" + Processes.tail(log, 40));
            }
            sleep(250);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static final HttpClient INSECURE = HttpClient.newBuilder().sslContext(trustAll())
            .connectTimeout(Duration.ofSeconds(2)).proxy(HttpClient.Builder.NO_PROXY).build();

    static boolean httpOk(URI uri, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return INSECURE.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    /** Trusts any certificate: only for readiness probes on loopback, never for assertions about TLS. */
    static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
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
            }}, new SecureRandom());
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void log(String format, Object... args) {
        System.err.printf("[e2e] " + format + "%n", args);
    }
}
