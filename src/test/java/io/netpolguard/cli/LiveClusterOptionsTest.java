package io.netpolguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.cli.CheckCommandTest.Run;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a command is told where the cluster is: manifests ({@code --cluster}) or, only when asked, the live cluster; every
 * mistake is one line and exit code 2, before anything is read or contacted.
 */
class LiveClusterOptionsTest {
    @TempDir
    Path temp;

    private Path kubeconfig(String server) throws IOException {
        Path file = temp.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - {name: prod, cluster: {server: "%s", insecure-skip-tls-verify: true}}
                users:
                - {name: sre, user: {token: abc}}
                contexts:
                - {name: prod-eu, context: {cluster: prod, user: sre}}
                - {name: prod-us, context: {cluster: prod, user: sre}}
                current-context: prod-eu
                """.formatted(server));
        return file;
    }

    private static void oneLine(Run run, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(CommandLines.EXIT_BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: " + message + System.lineSeparator());
    }

    @Test
    void aClusterMustBeGiven() {
        oneLine(Run.run("check", "--no-dns"), "no cluster given: --cluster <file-or-dir> (manifests), or --live, "
                + "--kubeconfig <file> or --context <name> (the live cluster)");
    }

    @Test
    void manifestsAndTheLiveClusterExcludeEachOther() {
        oneLine(Run.run("probe", "--cluster", "k8s/examples/cluster", "--context", "prod-eu", "--probes", "p.yaml"),
                "give either --cluster or --live/--kubeconfig/--context, not both");
    }

    @Test
    void aContextThatDoesNotExistIsNeverAnotherCluster() throws IOException {
        Path file = kubeconfig("https://203.0.113.1:6443");
        oneLine(Run.run("check", "--kubeconfig", file.toString(), "--context", "prod-ap", "--no-dns"),
                "no context 'prod-ap' in " + file + " (contexts: prod-eu, prod-us)");
    }

    @Test
    void aKubeconfigThatDoesNotExist() {
        Path missing = temp.resolve("missing.yaml");
        oneLine(Run.run("check", "--kubeconfig", missing.toString(), "--no-dns"), missing + ": no such kubeconfig file");
    }

    @Test
    void anApiServerThatDoesNotListen() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run run = Run.run("check", "--kubeconfig", kubeconfig("https://127.0.0.1:" + port).toString(), "--no-dns");

        oneLine(run, "cannot reach the Kubernetes API server at https://127.0.0.1:" + port + ": Connection refused");
    }
}
