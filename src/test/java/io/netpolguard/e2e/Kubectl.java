package io.netpolguard.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real kubectl from the binary cache, against the e2e API server, as one of the kubeconfig's users. */
final class Kubectl {
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Path binary;
    private final Path kubeconfig;
    private final Path repo;
    private final Path work;
    private final String context;

    Kubectl(Path binary, Path kubeconfig, Path repo, Path work, String context) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.repo = repo;
        this.work = work;
        this.context = context;
    }

    /** The same kubectl as another user (a context of the kubeconfig). */
    Kubectl as(String otherContext) {
        return new Kubectl(binary, kubeconfig, repo, work, otherContext);
    }

    /** Runs kubectl in the repository directory; any exit code. */
    Processes.Result run(String... args) {
        return runWithInput(null, args);
    }

    Processes.Result runWithInput(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString(),
                "--context", context, "--cache-dir", work.resolve("kube-cache").toString(), "--request-timeout", "60s"));
        command.addAll(List.of(args));
        // HOME in the work dir: kubectl writes nothing to the user's ~/.kube.
        return Processes.run(command, repo, Map.of("HOME", work.toString()), stdin, TIMEOUT, work.resolve("tmp"));
    }

    /** Runs kubectl and fails with its output unless it exits 0. */
    Processes.Result check(String... args) {
        Processes.Result result = run(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("kubectl failed: " + result.describe());
        }
        return result;
    }
}
