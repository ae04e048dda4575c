package io.netpolguard.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * helm and promtool as e2e/build-tools.sh builds them from their Go modules (on first use, then cached in
 * ~/.kubeapitest/tools), and running them.
 */
final class BuiltTool {
    private static final Map<String, Path> BINARIES = new ConcurrentHashMap<>();

    record Result(List<String> command, int exitCode, String out, String err) {
        String describe() {
            return String.join(" ", command) + "\n  exit " + exitCode + "\n  stdout: " + out.strip() + "\n  stderr: "
                    + err.strip();
        }
    }

    private BuiltTool() {
    }

    /** The binary of {@code name} (helm or promtool), built the first time (minutes; progress on stderr). */
    static Path binary(String name) {
        return BINARIES.computeIfAbsent(name, tool -> {
            Result built = run(List.of("bash", "e2e/build-tools.sh", tool), 45);
            if (built.exitCode() != 0) {
                throw new AssertionError("e2e/build-tools.sh could not build " + tool + ": " + built.describe());
            }
            Path binary = Path.of(built.out().strip().lines().reduce((first, last) -> last).orElseThrow());
            if (!Files.isExecutable(binary)) {
                throw new AssertionError("e2e/build-tools.sh " + tool + " printed no executable: " + built.describe());
            }
            return binary;
        });
    }

    /** kubectl from the cache of e2e/build-binaries.sh (built there when missing, with kube-apiserver and etcd). */
    static Path kubectl() {
        return BINARIES.computeIfAbsent("kubectl", tool -> {
            Result built = run(List.of("bash", "e2e/build-binaries.sh"), 45);
            if (built.exitCode() != 0) {
                throw new AssertionError("e2e/build-binaries.sh failed: " + built.describe());
            }
            return Path.of(built.out().strip().lines().reduce((first, last) -> last).orElseThrow()).resolve("kubectl");
        });
    }

    /** Runs {@code name} with {@code args} in the repository; any exit code. */
    static Result run(String name, String... args) {
        List<String> command = new ArrayList<>(List.of(binary(name).toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs a command in the repository, at most 5 minutes; any exit code. */
    static Result run(List<String> command) {
        return run(command, 5);
    }

    private static Result run(List<String> command, int timeoutMinutes) {
        try {
            Path out = Files.createTempFile("built-tool", ".out");
            Path err = Files.createTempFile("built-tool", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                // helm keeps its caches and configuration out of the user's home
                Path helmHome = Path.of("target/helm-home").toAbsolutePath();
                builder.environment().put("HELM_CACHE_HOME", helmHome.resolve("cache").toString());
                builder.environment().put("HELM_CONFIG_HOME", helmHome.resolve("config").toString());
                builder.environment().put("HELM_DATA_HOME", helmHome.resolve("data").toString());
                builder.environment().remove("KUBECONFIG");
                Process process = builder.start();
                if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError(command + " did not finish within " + timeoutMinutes + " minutes");
                }
                return new Result(List.copyOf(command), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
    }
}
