package io.netpolguard.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A renewed certificate is served without a restart: the TLS registry re-reads the PEM files every
 * {@code quarkus.tls.reload-period} and the HTTPS server takes the new certificate (the way a renewed
 * Secret reaches the running guard in the cluster), and the metric
 * {@code netpol_guard_tls_certificate_not_after_seconds} follows it (the alert on certificate expiry reads it).
 */
@QuarkusTest
@TestProfile(TlsReloadTest.Profile.class)
class TlsReloadTest {
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    /** A certificate made by certs/create-certs.sh in a temporary directory, re-read every second. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path dir;
            try {
                dir = Files.createTempDirectory("netpol-guard-tls-reload");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            Certs.create("--out", dir.toString(), "--no-overlay", "--dns", "localhost", "--ip", "127.0.0.1");
            return Map.of(
                    "quarkus.tls.key-store.pem.0.cert", dir.resolve("tls.crt").toString(),
                    "quarkus.tls.key-store.pem.0.key", dir.resolve("tls.key").toString(),
                    "quarkus.tls.reload-period", "1s",
                    "quarkus.http.test-ssl-port", "0",
                    "quarkus.http.test-port", "0");
        }

        private static void delete(Path dir) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @ConfigProperty(name = "quarkus.tls.key-store.pem.0.cert")
    String certFile;

    @Test
    void aReplacedCertificateIsServedWithoutARestart() throws Exception {
        Path cert = Path.of(certFile);
        // the first handshake can race the TLS registry's start-up: retry until the port serves a certificate
        X509Certificate first = servedWithin(DEADLINE);
        assertThat(first.getEncoded()).as("the HTTPS port serves the configured certificate")
                .isEqualTo(Certs.certificate(cert).getEncoded());
        assertThat(notAfterMetric()).as("the expiry of the served certificate")
                .isEqualTo(first.getNotAfter().toInstant().getEpochSecond());

        // the renewed certificate is valid for 30 days, the first one for 365: the metric must move
        Certs.create("--out", cert.getParent().toString(), "--no-overlay", "--force", "--days", "30", "--dns",
                "localhost", "--ip", "127.0.0.1");
        X509Certificate replacement = Certs.certificate(cert);
        assertThat(replacement.getSerialNumber()).isNotEqualTo(first.getSerialNumber());

        long deadline = System.nanoTime() + DEADLINE.toNanos();
        X509Certificate now = first;
        while (now.getSerialNumber().equals(first.getSerialNumber()) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            try {
                now = served();
            } catch (java.io.IOException swapping) {
                // A handshake can fail at the instant the server swaps certificates (a Vert.x race);
                // the API server treats that call like any other failure (failurePolicy Ignore).
            }
        }
        assertThat(now.getSerialNumber()).as("served certificate serial %s seconds after the files changed",
                DEADLINE.toSeconds()).isEqualTo(replacement.getSerialNumber());
        assertThat(now.getEncoded()).isEqualTo(replacement.getEncoded());
        assertThat(served().getSerialNumber()).as("handshakes after the swap keep succeeding")
                .isEqualTo(replacement.getSerialNumber());
        assertThat(notAfterMetric()).as("the expiry of the renewed certificate, after the reload")
                .isEqualTo(replacement.getNotAfter().toInstant().getEpochSecond());
    }

    /** netpol_guard_tls_certificate_not_after_seconds{tls_configuration="default"} from /q/metrics. */
    private long notAfterMetric() throws Exception {
        String text = new String(metrics.openStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher value = Pattern.compile(
                "(?m)^netpol_guard_tls_certificate_not_after_seconds\\{tls_configuration=\"default\",?} (\\S+)$")
                .matcher(text);
        assertThat(value.find()).as("the metric in:%n%s", text).isTrue();
        return (long) Double.parseDouble(value.group(1));
    }

    private X509Certificate servedWithin(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                return served();
            } catch (java.io.IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(100);
            }
        }
    }

    /** The certificate the HTTPS port presents, on a fresh connection (no session resumption). */
    private X509Certificate served() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(https.getHost(), https.getPort())) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static final class TrustAll implements X509TrustManager {
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
    }
}
