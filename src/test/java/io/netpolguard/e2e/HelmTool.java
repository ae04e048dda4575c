package io.netpolguard.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The helm binary that e2e/build-tools.sh builds from its Go module (cached), run against the e2e API server. */
final class HelmTool {
    private HelmTool() {
    }

    /** Builds helm on first use (a few minutes), else returns the cached binary at once. */
    static Path binary(Path repo, Path work) {
        // Building downloads modules through the Go module proxy: keep the proxy settings Processes drops.
        Map<String, String> env = new TreeMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.equalsIgnoreCase("http_proxy") || name.equalsIgnoreCase("https_proxy")
                    || name.equalsIgnoreCase("no_proxy")) {
                env.put(name, value);
            }
        });
        ControlPlane.log("e2e/build-tools.sh helm (instant when cached; builds helm from its Go module otherwise, "
                + "~2-5 min)");
        Processes.Result result = Processes.check(List.of("bash", repo.resolve("e2e/build-tools.sh").toString(), "helm"),
                repo, env, null, Duration.ofMinutes(30), work.resolve("tmp"));
        Path helm = Path.of(result.out().strip().lines().reduce((first, last) -> last).orElseThrow());
        if (!Files.isExecutable(helm)) {
            throw new AssertionError("e2e/build-tools.sh helm printed no executable: " + result.describe());
        }
        return helm;
    }

    /** Runs helm in the repository with its caches and configuration in the work directory; fails unless it exits 0. */
    static Processes.Result check(Path helm, Path repo, Path work, List<String> args) {
        List<String> command = new ArrayList<>(List.of(helm.toString()));
        command.addAll(args);
        Processes.Result result = Processes.check(command, repo, Map.of("HELM_CACHE_HOME", work.resolve("helm/cache")
                .toString(), "HELM_CONFIG_HOME", work.resolve("helm/config").toString(), "HELM_DATA_HOME",
                work.resolve("helm/data").toString()), null, Duration.ofMinutes(2), work.resolve("tmp"));
        ControlPlane.log("helm %s -> exit 0 in %d ms", String.join(" ", args), result.took().toMillis());
        return result;
    }
}
