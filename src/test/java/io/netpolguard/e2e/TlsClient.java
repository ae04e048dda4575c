package io.netpolguard.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS client that checks the guard's certificate the way the API server does: it must chain to
 * the caBundle (the CA of certs/create-certs.sh) and name 127.0.0.1. A new connection, and so a new
 * handshake, every time.
 */
final class TlsClient {
    private final SSLContext context;

    TlsClient(Path caCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caCertificate)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
    }

    /** Trusts the CA only; for an HTTP client (which also checks the host name). */
    SSLContext sslContext() {
        return context;
    }

    /** One verified handshake with 127.0.0.1:port; the server's certificate. */
    X509Certificate handshake(int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** Handshakes every {@code intervalMillis} in the background until {@link Prober#close()}; records failures. */
    Prober probe(int port, long intervalMillis) {
        return new Prober(port, intervalMillis);
    }

    record Failure(Instant at, String error) {
        @Override
        public String toString() {
            return at + " " + error;
        }
    }

    final class Prober implements AutoCloseable {
        private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;
        private volatile boolean running = true;
        private volatile int handshakes;

        private Prober(int port, long intervalMillis) {
            thread = new Thread(() -> {
                while (running) {
                    try {
                        handshake(port);
                    } catch (IOException e) {
                        failures.add(new Failure(Instant.now(), e.toString()));
                    }
                    handshakes++;
                    try {
                        Thread.sleep(intervalMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "tls-prober");
            thread.setDaemon(true);
            thread.start();
        }

        int handshakes() {
            return handshakes;
        }

        List<Failure> failures() {
            synchronized (failures) {
                return List.copyOf(failures);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}
