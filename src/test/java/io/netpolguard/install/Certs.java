package io.netpolguard.install;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs certs/create-certs.sh and reads what it writes. */
final class Certs {
    static final Path SCRIPT = Path.of("certs", "create-certs.sh").toAbsolutePath();

    record Run(int exitCode, String out, String err) {
    }

    private Certs() {
    }

    /** Whether bash and openssl are there to run the script. */
    static boolean toolsAvailable() {
        try {
            return new ProcessBuilder("bash", "-c", "command -v openssl").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Run run(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            // The outputs are small (a usage text at most), so reading them one after the other cannot block.
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("create-certs.sh did not finish within 60 s");
            }
            return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Runs the script and fails with its error output unless it succeeds. */
    static void create(String... args) {
        Run run = run(args);
        if (run.exitCode() != 0) {
            throw new AssertionError("create-certs.sh failed (" + run.exitCode() + "): " + run.err());
        }
    }

    static X509Certificate certificate(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | CertificateException e) {
            throw new AssertionError(file + ": not an X.509 certificate: " + e.getMessage(), e);
        }
    }
}
