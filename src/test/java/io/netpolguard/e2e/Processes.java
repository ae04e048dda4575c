package io.netpolguard.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Child processes with bounded waits: short commands whose output is captured through files (never
 * a pipe that could fill up), and long-running servers that log to a file and are stopped with
 * SIGTERM, then SIGKILL.
 */
final class Processes {
    /** Proxy settings would route the API server's webhook calls (and kubectl) away from loopback. */
    private static final Set<String> DROPPED_ENV = Set.of("http_proxy", "https_proxy", "all_proxy", "no_proxy",
            "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "KUBECONFIG");

    private Processes() {
    }

    /** The result of a finished command. */
    record Result(List<String> command, int exitCode, String out, String err, Duration took) {
        String describe() {
            return String.join(" ", command) + "\n  exit " + exitCode + " after " + took.toMillis() + " ms\n  stdout: "
                    + out.strip().replace("\n", "\n          ") + "\n  stderr: " + err.strip().replace("\n", "\n          ");
        }
    }

    static ProcessBuilder builder(List<String> command, Path dir, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(DROPPED_ENV::contains);
        builder.environment().putAll(env);
        return builder;
    }

    /** Runs a command to completion, at most {@code timeout}; stdin from {@code input} when not null. */
    static Result run(List<String> command, Path dir, Map<String, String> env, String input, Duration timeout,
            Path scratch) {
        try {
            Files.createDirectories(scratch);
            Path out = Files.createTempFile(scratch, "out", ".txt");
            Path err = Files.createTempFile(scratch, "err", ".txt");
            ProcessBuilder builder = builder(command, dir, env).redirectOutput(out.toFile()).redirectError(err.toFile());
            Path in = null;
            if (input != null) {
                in = Files.createTempFile(scratch, "in", ".txt");
                Files.writeString(in, input);
                builder.redirectInput(in.toFile());
            } else {
                builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            long start = System.nanoTime();
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (!finished) {
                stop(process, command.get(0), Duration.ofSeconds(5));
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            if (in != null) {
                Files.deleteIfExists(in);
            }
            if (!finished) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command)
                        + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return new Result(List.copyOf(command), process.exitValue(), stdout, stderr, took);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    /** Runs a command and fails with its output unless it exits 0. */
    static Result check(List<String> command, Path dir, Map<String, String> env, String input, Duration timeout,
            Path scratch) {
        Result result = run(command, dir, env, input, timeout, scratch);
        if (result.exitCode() != 0) {
            throw new AssertionError("command failed: " + result.describe());
        }
        return result;
    }

    /** Starts a long-running process with stdout and stderr appended to {@code log}. */
    static Process start(List<String> command, Path dir, Map<String, String> env, Path log) {
        try {
            return builder(command, dir, env).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** SIGTERM to the process (and its children), wait up to {@code grace}, then SIGKILL. Never throws. */
    static void stop(Process process, String name, Duration grace) {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.printf("[e2e] %s (pid %d) did not stop on SIGTERM within %d s, killing it%n", name,
                        process.pid(), grace.toSeconds());
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** The last {@code lines} lines of a log file, for failure messages. */
    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
