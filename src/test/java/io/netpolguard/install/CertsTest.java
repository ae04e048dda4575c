package io.netpolguard.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** certs/create-certs.sh: a CA and a serving certificate for the webhook's Service names. */
class CertsTest {
    private static final List<String> SERVICE_NAMES = List.of("netpol-guard.netpol-guard.svc",
            "netpol-guard.netpol-guard.svc.cluster.local");

    @TempDir
    Path temp;

    private Path out;

    @BeforeEach
    void tools() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Certs.toolsAvailable(),
                "bash and openssl are needed to run certs/create-certs.sh");
        out = temp.resolve("out");
    }

    @Test
    void createsACaAndAServingCertificateForTheServiceAndTheExtraNames() throws Exception {
        Certs.create("--out", out.toString(), "--no-overlay", "--dns", "localhost", "--ip", "127.0.0.1");

        for (String file : List.of("ca.key", "ca.crt", "ca.crt.b64", "tls.key", "tls.crt")) {
            assertThat(out.resolve(file)).isRegularFile();
        }
        X509Certificate ca = Certs.certificate(out.resolve("ca.crt"));
        X509Certificate serving = Certs.certificate(out.resolve("tls.crt"));
        assertThat(ca.getBasicConstraints()).as("the CA is a CA").isGreaterThanOrEqualTo(0);
        assertThat(serving.getBasicConstraints()).as("the serving certificate is not").isEqualTo(-1);
        assertThat(serving.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(subjectAlternativeNames(serving)).containsExactlyInAnyOrder("DNS:netpol-guard.netpol-guard.svc",
                "DNS:netpol-guard.netpol-guard.svc.cluster.local", "DNS:localhost", "IP:127.0.0.1");
        assertThatCode(() -> serving.verify(ca.getPublicKey())).as("signed by the CA").doesNotThrowAnyException();
        serving.checkValidity();
        assertThat(serving.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());

        // The caBundle: ca.crt in base64 on one line.
        String bundle = Files.readString(out.resolve("ca.crt.b64")).strip();
        assertThat(bundle).doesNotContain("\n");
        assertThat(Base64.getDecoder().decode(bundle)).isEqualTo(Files.readAllBytes(out.resolve("ca.crt")));

        // The key is the certificate's key, in the PKCS#8 PEM form Quarkus reads.
        assertThat(publicModulusOfKey(out.resolve("tls.key"))).isEqualTo(((RSAPublicKey) serving.getPublicKey()).getModulus());
        assertThat(Files.getPosixFilePermissions(out.resolve("tls.key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(out.resolve("ca.key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void theServiceNamesAreAlwaysThere() {
        Certs.create("--out", out.toString(), "--no-overlay");

        assertThat(subjectAlternativeNames(Certs.certificate(out.resolve("tls.crt"))))
                .containsExactlyInAnyOrderElementsOf(SERVICE_NAMES.stream().map(n -> "DNS:" + n).toList());
    }

    @Test
    void refusesToOverwriteKeysWithoutForce() throws IOException {
        Certs.create("--out", out.toString(), "--no-overlay");
        byte[] key = Files.readAllBytes(out.resolve("tls.key"));
        byte[] caKey = Files.readAllBytes(out.resolve("ca.key"));
        byte[] certificate = Files.readAllBytes(out.resolve("tls.crt"));

        Certs.Run again = Certs.run("--out", out.toString(), "--no-overlay");

        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err()).contains("refusing to overwrite").contains("tls.key").contains("--force");
        assertThat(again.err().lines().count()).as("one clear line, no openssl noise").isEqualTo(1);
        assertThat(Files.readAllBytes(out.resolve("tls.key"))).isEqualTo(key);
        assertThat(Files.readAllBytes(out.resolve("ca.key"))).isEqualTo(caKey);
        assertThat(Files.readAllBytes(out.resolve("tls.crt"))).isEqualTo(certificate);
    }

    @Test
    void replacesKeysWithForce() throws IOException {
        Certs.create("--out", out.toString(), "--no-overlay");
        byte[] key = Files.readAllBytes(out.resolve("tls.key"));
        byte[] caKey = Files.readAllBytes(out.resolve("ca.key"));
        X509Certificate before = Certs.certificate(out.resolve("tls.crt"));

        Certs.create("--out", out.toString(), "--no-overlay", "--force");

        assertThat(Files.readAllBytes(out.resolve("tls.key"))).isNotEqualTo(key);
        assertThat(Files.readAllBytes(out.resolve("ca.key"))).isNotEqualTo(caKey);
        X509Certificate after = Certs.certificate(out.resolve("tls.crt"));
        assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        assertThatCode(() -> after.verify(Certs.certificate(out.resolve("ca.crt")).getPublicKey()))
                .doesNotThrowAnyException();
    }

    @Test
    void reuseCaRenewsOnlyTheServingCertificateSoTheCaBundleStays() throws IOException {
        Certs.create("--out", out.toString(), "--no-overlay");
        byte[] ca = Files.readAllBytes(out.resolve("ca.crt"));
        byte[] bundle = Files.readAllBytes(out.resolve("ca.crt.b64"));
        byte[] key = Files.readAllBytes(out.resolve("tls.key"));

        assertThat(Certs.run("--out", out.toString(), "--no-overlay", "--reuse-ca").exitCode())
                .as("the serving key exists: --force is still needed").isNotZero();
        Certs.create("--out", out.toString(), "--no-overlay", "--reuse-ca", "--force");

        assertThat(Files.readAllBytes(out.resolve("ca.crt"))).isEqualTo(ca);
        assertThat(Files.readAllBytes(out.resolve("ca.crt.b64"))).isEqualTo(bundle);
        assertThat(Files.readAllBytes(out.resolve("tls.key"))).isNotEqualTo(key);
        X509Certificate serving = Certs.certificate(out.resolve("tls.crt"));
        assertThatCode(() -> serving.verify(Certs.certificate(out.resolve("ca.crt")).getPublicKey()))
                .doesNotThrowAnyException();
    }

    @Test
    void writesTheOverlayInputsAndRefusesToOverwriteThemToo() throws IOException {
        Path overlay = temp.resolve("overlay");
        Certs.create("--out", out.toString(), "--overlay", overlay.toString());

        assertThat(Files.readAllBytes(overlay.resolve("tls.crt"))).isEqualTo(Files.readAllBytes(out.resolve("tls.crt")));
        assertThat(Files.readAllBytes(overlay.resolve("tls.key"))).isEqualTo(Files.readAllBytes(out.resolve("tls.key")));
        assertThat(Files.readAllBytes(overlay.resolve("ca.crt"))).isEqualTo(Files.readAllBytes(out.resolve("ca.crt")));
        assertThat(Files.readString(overlay.resolve("webhook-ca-bundle.yaml")))
                .contains("caBundle: " + Files.readString(out.resolve("ca.crt.b64")).strip());

        Certs.Run again = Certs.run("--out", temp.resolve("other").toString(), "--overlay", overlay.toString());
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err()).contains("refusing to overwrite").contains(overlay.resolve("tls.key").toString());
    }

    @Test
    void badArgumentsGetAClearMessage() {
        Certs.Run unknown = Certs.run("--out", out.toString(), "--bogus");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown argument: --bogus").contains("Usage:");

        Certs.Run missing = Certs.run("--out", out.toString(), "--dns");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("--dns needs a value");

        Certs.Run badIp = Certs.run("--out", out.toString(), "--ip", "localhost");
        assertThat(badIp.exitCode()).isNotZero();
        assertThat(badIp.err()).contains("not an IP address");

        Certs.Run reuseWithoutCa = Certs.run("--out", out.toString(), "--no-overlay", "--reuse-ca");
        assertThat(reuseWithoutCa.exitCode()).isNotZero();
        assertThat(reuseWithoutCa.err()).contains("--reuse-ca: no CA");

        assertThat(out).doesNotExist();

        Certs.Run help = Certs.run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--out DIR", "--dns NAME", "--ip IP", "--force");
    }

    private static List<String> subjectAlternativeNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            for (List<?> name : certificate.getSubjectAlternativeNames()) {
                int type = (Integer) name.get(0);
                names.add((type == 2 ? "DNS:" : type == 7 ? "IP:" : type + ":") + name.get(1));
            }
        } catch (java.security.cert.CertificateParsingException e) {
            throw new AssertionError(e);
        }
        return names;
    }

    private static java.math.BigInteger publicModulusOfKey(Path file) throws Exception {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        return key.getModulus();
    }
}
