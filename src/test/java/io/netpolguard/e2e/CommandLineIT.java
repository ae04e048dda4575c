package io.netpolguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application as people start it ({@code java -jar target/quarkus-app/quarkus-run.jar}, what
 * bin/netpol-guard runs): a mistyped command never starts the server, and bad configuration ends in one line and exit
 * code 2 (issue 14 §3). Needs only the packaged application, no API server.
 *
 * <p>"No port is opened" is observed from outside: the test holds the HTTP, HTTPS and management ports the process is
 * configured to use, so any attempt to serve would fail on them ({@link #withoutACommandItServesAndWouldTakeThePorts}
 * shows that it does).
 */
class CommandLineIT {
    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path JAR = REPO.resolve("target/quarkus-app/quarkus-run.jar");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path scratch;

    private final List<ServerSocket> held = new ArrayList<>();
    private int http;
    private int https;
    private int management;

    @BeforeEach
    void holdThePorts() throws IOException {
        assertThat(JAR).as("the packaged application (./mvnw verify -Pe2e packages it first)").isRegularFile();
        http = hold();
        https = hold();
        management = hold();
    }

    @AfterEach
    void releaseThePorts() throws IOException {
        for (ServerSocket socket : held) {
            socket.close();
        }
    }

    @Test
    void aMistypedCommandSuggestsTheRightOneAndServesNothing() {
        Processes.Result run = netpolGuard(List.of(), "chek", "--cluster", "k8s/examples/cluster");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.out()).as(run.describe()).isEmpty();
        assertThat(run.err()).as(run.describe()).contains("'chek'", "Did you mean", "check")
                .doesNotContain("Exception", "in use", Integer.toString(http), Integer.toString(management));
    }

    @Test
    void withoutACommandItServesAndWouldTakeThePorts() {
        Processes.Result run = netpolGuard(List.of("-Dnetpol-guard.server.source=manifests"));

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.err()).as(run.describe()).contains("error: ").contains(Integer.toString(http));
    }

    @Test
    void badConfigurationOfTheServerIsOneLineAndExitCodeTwo() {
        Processes.Result run = netpolGuard(List.of("-Dnetpol-guard.server.audit-interval=abc"));

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.out()).as(run.describe()).isEmpty();
        assertThat(run.err()).as(run.describe()).isEqualTo(
                "error: netpol-guard.server.audit-interval: 'abc' is not valid (Invalid duration: abc)\n");
    }

    @Test
    void badConfigurationOfACommandIsOneLineAndExitCodeTwo() {
        Processes.Result run = netpolGuard(List.of("-Dnetpol-guard.mode=bogus"), "check", "--cluster",
                "k8s/examples/cluster", "--no-dns");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.out()).as(run.describe()).isEmpty();
        assertThat(run.err().lines().toList()).as(run.describe()).singleElement().asString()
                .startsWith("error: netpol-guard.mode: ").contains("'bogus'").doesNotContain("Exception");
    }

    /** java {@code properties} -jar quarkus-run.jar {@code args}, its ports those the test holds, in the repository. */
    private Processes.Result netpolGuard(List<String> properties, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.http.port=" + http, "-Dquarkus.http.ssl-port=" + https,
                "-Dquarkus.management.port=" + management));
        command.addAll(properties);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        try {
            return Processes.run(command, REPO, Map.of("HOME", Files.createDirectories(scratch.resolve("home")).toString()),
                    null, TIMEOUT, scratch.resolve("out"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int hold() throws IOException {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(socket);
        return socket.getLocalPort();
    }
}
