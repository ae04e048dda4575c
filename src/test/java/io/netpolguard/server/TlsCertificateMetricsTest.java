package io.netpolguard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The expiry the certificate metric reports, from key stores made by the JDK's keytool. */
class TlsCertificateMetricsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path temp;

    @Test
    void theEarliestExpiryOfTheKeyEntriesIsReported() throws Exception {
        Path file = temp.resolve("guard.p12");
        keytool(file, "genkeypair", "-alias", "serving", "-dname", "CN=netpol-guard.netpol-guard.svc", "-keyalg", "EC",
                "-validity", "30");
        keytool(file, "genkeypair", "-alias", "soon", "-dname", "CN=soon", "-keyalg", "EC", "-validity", "10");
        KeyStore keyStore = load(file);

        OptionalLong notAfter = TlsCertificateMetrics.notAfterSeconds(keyStore);

        X509Certificate soon = (X509Certificate) keyStore.getCertificate("soon");
        assertThat(notAfter).hasValue(soon.getNotAfter().toInstant().getEpochSecond());
        assertThat(Duration.between(Instant.now(), Instant.ofEpochSecond(notAfter.getAsLong())).toDays()).isBetween(9L, 10L);
    }

    @Test
    void aKeyStoreWithoutKeysOrNoKeyStoreReportsNothing() throws Exception {
        Path withKey = temp.resolve("with-key.p12");
        keytool(withKey, "genkeypair", "-alias", "ca", "-dname", "CN=ca", "-keyalg", "EC", "-validity", "10");
        Path cert = temp.resolve("ca.crt");
        keytool(withKey, "exportcert", "-alias", "ca", "-rfc", "-file", cert.toString());
        Path trustOnly = temp.resolve("trust.p12");
        keytool(trustOnly, "importcert", "-alias", "ca", "-file", cert.toString(), "-noprompt");

        assertThat(TlsCertificateMetrics.notAfterSeconds(load(trustOnly))).as("a trusted certificate is not served")
                .isEmpty();
        assertThat(TlsCertificateMetrics.notAfterSeconds(null)).as("a TLS configuration without a key store").isEmpty();
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keyStore.load(in, PASSWORD);
        }
        return keyStore;
    }

    private static void keytool(Path keyStore, String command, String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-" + command, "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass",
                new String(PASSWORD)));
        line.addAll(List.of(args));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(output)).isZero();
    }
}
