package io.netpolguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real entry point, {@link Main#main}, in a process of its own: any argument runs a command on plain picocli
 * and exits, without Quarkus (no CDI container, web server or Kubernetes client); configuration errors are one line.
 */
class MainTest {
    private static final String CLUSTER = "k8s/examples/cluster";

    @TempDir
    Path temp;

    /** A finished netpol-guard process. */
    record Exit(int code, String out, String err) {
    }

    /**
     * Runs Main with the test class path, its output in files in {@code dir}; a process still running after 60 s is
     * a failure (a command never serves).
     */
    static Exit run(Path dir, List<String> jvmOptions, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        return run(dir, Duration.ofSeconds(60), jvmOptions, environment, args);
    }

    /** {@link #run(Path, List, Map, String...)} for a command that may take longer than 60 s on a busy machine. */
    static Exit run(Path dir, Duration limit, List<String> jvmOptions, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("NETPOL_GUARD_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("netpol-guard " + String.join(" ", args) + " did not exit within " + limit.toSeconds()
                    + " s");
        }
        return new Exit(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    Exit main(List<String> jvmOptions, Map<String, String> environment, String... args) throws IOException, InterruptedException {
        return run(temp, jvmOptions, environment, args);
    }

    Exit main(String... args) throws IOException, InterruptedException {
        return main(List.of(), Map.of(), args);
    }

    @Test
    void aCommandLoadsNeitherQuarkusNorAWebServerNorAKubernetesClient() throws Exception {
        Path classes = temp.resolve("classes.txt");
        Exit exit = main(List.of("-Xlog:class+load:file=" + classes), Map.of(), "check", "--cluster", CLUSTER, "--no-dns");

        assertThat(exit.code()).as(exit.err()).isZero();
        assertThat(exit.out()).contains("17 flows: ");
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).anyMatch(line -> line.contains(" io.netpolguard.cli.CheckCommand "));
        assertThat(loaded).noneMatch(line -> line.contains(" io.quarkus.arc.") || line.contains(" io.quarkus.runtime.Application")
                || line.contains(" io.vertx.") || line.contains(" io.netty.") || line.contains(" io.fabric8.kubernetes.client."));
    }

    @Test
    void aMistypedCommandSuggestsTheRightOneAndExits() throws Exception {
        Exit exit = main("chekc", "--cluster", CLUSTER);

        assertThat(exit.code()).isEqualTo(CommandLines.EXIT_BAD_INPUT);
        assertThat(exit.out()).isEmpty();
        assertThat(exit.err()).startsWith("Unmatched argument").contains("'chekc'").contains("Did you mean: netpol-guard check?");
    }

    @Test
    void helpAndVersionExitZero() throws Exception {
        Exit help = main("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("Usage: netpol-guard").contains("probe", "check", "review");
        assertThat(help.err()).isEmpty();
        Exit version = main("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("netpol-guard ");
    }

    @Test
    void optionsWithoutACommandAreAUsageError() throws Exception {
        Exit exit = main("--");

        assertThat(exit.code()).isEqualTo(CommandLines.EXIT_BAD_INPUT);
        assertThat(exit.err()).startsWith("Missing command: probe, check or review");
    }

    @Test
    void configurationIsReadFromSystemPropertiesAndTheEnvironment() throws Exception {
        Exit exit = main(List.of("-Dnetpol-guard.flows.\"operator->kube-dns\".severity=warning"),
                Map.of("NETPOL_GUARD_HOSTS__ABC12345_LIVE_DYNATRACE_COM_", "203.0.113.10"),
                "check", "--cluster", CLUSTER, "--no-dns");

        assertThat(exit.code()).as(exit.err()).isZero();
        assertThat(exit.out()).containsPattern("operator->kube-dns +- +warning +allowed")
                .containsPattern("operator->dynatrace-api +DynaKube dynatrace/dynakube +critical +allowed")
                .endsWith("17 flows: 16 allowed, 1 not-applicable" + System.lineSeparator());
    }

    @Test
    void aConfigurationErrorIsOneLineAndExitTwo() throws Exception {
        Exit duration = main(List.of("-Dnetpol-guard.server.audit-interval=abc"), Map.of(), "check", "--cluster", CLUSTER);
        assertThat(duration.code()).isEqualTo(CommandLines.EXIT_BAD_INPUT);
        assertThat(duration.out()).isEmpty();
        assertThat(duration.err()).isEqualTo("error: netpol-guard.server.audit-interval: 'abc' is not valid (Invalid duration: abc)"
                + System.lineSeparator());

        Exit mode = main(List.of(), Map.of("NETPOL_GUARD_MODE", "bogus"), "review", "--cluster", CLUSTER,
                "--request", "k8s/examples/requests/delete-allow-dns.json", "--no-dns");
        assertThat(mode.code()).isEqualTo(CommandLines.EXIT_BAD_INPUT);
        assertThat(mode.err()).isEqualTo("error: netpol-guard.mode: unknown mode 'bogus' (expected enforce, warn or off)"
                + System.lineSeparator());
    }
}
