package io.netpolguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpolguard.config.GuardFactory;
import io.netpolguard.connectivity.PortSet;
import io.netpolguard.netpol.Protocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code netpol-guard connectivity} on the x/y/z cluster ({@code manifests/xyz}) with {@code probe/cluster}: x/a accepts
 * namespace y on TCP/80 and on its UDP port serve-81-udp (81); nothing else is isolated.
 */
class ConnectivityCommandTest {
    private static final String XYZ = resource("manifests/xyz");
    private static final String POLICIES = resource("probe/cluster");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = CommandLines.create(new NetpolGuardCommand(GuardFactory::withDefaults), null);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static Run xyz(String... more) {
        List<String> args = new ArrayList<>(List.of("connectivity", "--cluster", XYZ, "--cluster", POLICIES, "--group-by", "pod"));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void textListsOneConnectionPerLineThenASummary() {
        Run run = xyz();

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).contains("y/Pod/b => x/Pod/a : TCP 80; UDP 81", "x/Pod/a => y/Pod/b : all ports",
                "x/Pod/a => 0.0.0.0/0 : all ports", "::/0 => y/Pod/c : all ports")
                .noneMatch(l -> l.startsWith("z/Pod/c => x/Pod/a"))
                .noneMatch(l -> l.startsWith("0.0.0.0/0 => x/Pod/a"))
                .noneMatch(l -> l.startsWith("x/Pod/a => x/Pod/a"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("101 connections; 9 workloads and 2 address ranges looked at; "
                + "0 with unverifiable ports, 0 allowed for some pods only");
    }

    @Test
    void jsonParsesBackToTheSameConnections() throws IOException {
        Run run = xyz("--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("connections")).hasSize(101);
        assertThat(json.get("workloads")).extracting(JsonNode::asText).containsExactly("x/Pod/a", "x/Pod/b", "x/Pod/c",
                "y/Pod/a", "y/Pod/b", "y/Pod/c", "z/Pod/a", "z/Pod/b", "z/Pod/c");
        assertThat(json.get("addressRanges")).extracting(JsonNode::asText).containsExactly("0.0.0.0/0", "::/0");
        JsonNode first = json.get("connections").get(0);
        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("from", "to", "allowed", "unverifiable", "somePodsOnly");
        assertThat(linesOf(json)).containsExactlyElementsOf(textLines(xyz()));
        JsonNode toA = connection(json, "y/Pod/b", "x/Pod/a");
        assertThat(toA.get("allowed").get("TCP").asText()).isEqualTo("80");
        assertThat(toA.get("allowed").get("UDP").asText()).isEqualTo("81");
        assertThat(toA.get("unverifiable").isEmpty()).isTrue();
    }

    @Test
    void csvParsesBackToTheSameConnections() {
        Run run = xyz("--output", "csv");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<List<String>> rows = csv(run.out());
        assertThat(rows.get(0)).containsExactly("from", "to", "allowed", "unverifiable", "some_pods_only");
        assertThat(rows).hasSize(102).contains(List.of("y/Pod/b", "x/Pod/a", "TCP 80; UDP 81", "", ""));
        List<String> lines = rows.subList(1, rows.size()).stream()
                .map(r -> r.get(0) + " => " + r.get(1) + " : " + r.get(2)).toList();
        assertThat(lines).containsExactlyElementsOf(textLines(xyz()));
        assertThat(run.out()).contains("\r\n");
    }

    @Test
    void markdownIsATableWithOneRowPerConnection() {
        Run run = xyz("--output", "md");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("| from | to | allowed | unverifiable | some pods only |");
        assertThat(lines.get(1)).isEqualTo("| --- | --- | --- | --- | --- |");
        assertThat(lines).hasSize(103).contains("| y/Pod/b | x/Pod/a | TCP 80; UDP 81 |  |  |");
    }

    @Test
    void dotIsAGraphWithANamespaceClusterPerNamespaceAndAnEdgePerConnection() {
        Run run = xyz("--output", "dot");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("digraph connectivity {");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("}");
        assertThat(lines).contains("\tsubgraph \"cluster_x\" {", "\t\t\"x/Pod/a\" [label=\"Pod/a\"]",
                "\t\"0.0.0.0/0\" [shape=ellipse color=\"steelblue\"]",
                "\t\"y/Pod/b\" -> \"x/Pod/a\" [label=\"TCP 80; UDP 81\"]");
        assertThat(lines.stream().filter(l -> l.contains(" -> "))).hasSize(101);
    }

    @Test
    void everyPodPairAgreesWithProbe() throws IOException {
        List<String> pods = List.of("x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c");
        List<Integer> ports = List.of(1, 79, 80, 81, 82, 443, 65535);
        StringBuilder probes = new StringBuilder();
        for (String from : pods) {
            for (String to : pods) {
                for (Protocol protocol : Protocol.values()) {
                    for (int port : ports) {
                        if (!from.equals(to)) {
                            probes.append("- {from: ").append(from).append(", to: ").append(to).append(", port: ")
                                    .append(port).append(", protocol: ").append(protocol).append("}\n");
                        }
                    }
                }
            }
        }
        Path file = temp.resolve("probes.yaml");
        Files.writeString(file, probes);
        Run probe = run("probe", "--cluster", XYZ, "--cluster", POLICIES, "--probes", file.toString(), "--output", "json");
        Map<String, PortSet> listed = new HashMap<>();
        JSON.readTree(xyz("--output", "json").out()).get("connections").forEach(c -> listed.put(
                c.get("from").asText() + " " + c.get("to").asText(), PortSet.parse(textOf(c.get("allowed")))));

        assertThat(probe.exitCode()).as(probe.err()).isZero();
        JsonNode results = JSON.readTree(probe.out());
        assertThat(results).hasSize(72 * 3 * ports.size());
        for (JsonNode result : results) {
            String[] from = result.get("from").asText().split("/");
            String[] to = result.get("to").asText().split("/");
            PortSet allowed = listed.getOrDefault(from[0] + "/Pod/" + from[1] + " " + to[0] + "/Pod/" + to[1], PortSet.EMPTY);
            assertThat(allowed.contains(Protocol.valueOf(result.get("protocol").asText()), result.get("port").asInt()))
                    .as("%s", result).isEqualTo(result.get("allowed").asBoolean());
        }
    }

    @Test
    void focusKeepsTheConnectionsOfOneWorkloadOrNamespace() {
        Run pod = xyz("--focus", "x/Pod/a");
        Run namespace = xyz("--focus", "z");

        assertThat(pod.exitCode()).as(pod.err()).isZero();
        assertThat(textLines(pod)).isNotEmpty().allMatch(l -> l.startsWith("x/Pod/a =>") || l.contains("=> x/Pod/a :"));
        assertThat(textLines(namespace)).isNotEmpty().allMatch(l -> l.startsWith("z/") || l.contains("=> z/"));
    }

    @Test
    void aDiffListsWhatChangedAndExitsOneWhenSomethingDid() throws IOException {
        Path after = temp.resolve("after");
        Files.createDirectories(after);
        try (Stream<Path> files = Stream.concat(Files.list(Path.of(XYZ)), Files.list(Path.of(POLICIES)))) {
            for (Path file : files.toList()) {
                Files.copy(file, after.resolve(file.getFileName()));
            }
        }

        Run same = run("connectivity", "--diff", XYZ, XYZ);
        Run text = run("connectivity", "--diff", XYZ, after.toString(), "--group-by", "pod");
        Run json = run("connectivity", "--diff", XYZ, after.toString(), "--group-by", "pod", "--output", "json");
        Run csv = run("connectivity", "--diff", XYZ, after.toString(), "--group-by", "pod", "--output", "csv");

        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.out()).isEqualTo("no differences\n");
        assertThat(text.exitCode()).as(text.err()).isEqualTo(CommandLines.EXIT_FINDINGS);
        assertThat(text.out()).contains("changed  y/Pod/b => x/Pod/a : all ports -> TCP 80; UDP 81\n",
                "removed  z/Pod/c => x/Pod/a : all ports\n", "removed  0.0.0.0/0 => x/Pod/a : all ports\n");
        JsonNode changes = JSON.readTree(json.out());
        assertThat(changes.get("summary").get("changed").asInt()).isEqualTo(3);
        assertThat(changes.get("summary").get("removed").asInt()).isEqualTo(7);
        assertThat(changes.get("summary").get("added").asInt()).isZero();
        JsonNode first = null;
        for (JsonNode change : changes.get("changes")) {
            if (change.get("from").asText().equals("y/Pod/b") && change.get("to").asText().equals("x/Pod/a")) {
                first = change;
            }
        }
        assertThat(first.get("change").asText()).isEqualTo("changed");
        assertThat(first.get("before").get("allowed").get("SCTP").asText()).isEqualTo("1-65535");
        assertThat(first.get("after").get("allowed").get("UDP").asText()).isEqualTo("81");
        List<List<String>> rows = csv(csv.out());
        assertThat(rows.get(0)).containsExactly("change", "from", "to", "before", "after");
        assertThat(rows).hasSize(11).contains(List.of("changed", "y/Pod/b", "x/Pod/a", "all ports", "TCP 80; UDP 81"));
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        Run neither = run("connectivity");
        Run both = run("connectivity", "--cluster", XYZ, "--diff", XYZ, XYZ);
        Run missing = run("connectivity", "--cluster", "/no/such/dir");
        Run focus = xyz("--focus", "x/Deployment/nope");
        Run format = xyz("--output", "xml");

        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(errors(neither)).containsExactly("error: give either --cluster <file-or-dir> or --diff "
                + "<file-or-dir> <file-or-dir>");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(errors(missing)).containsExactly("error: /no/such/dir: no such file or directory");
        assertThat(focus.exitCode()).isEqualTo(2);
        assertThat(errors(focus)).containsExactly("error: --focus x/Deployment/nope: no workload x/Deployment/nope in "
                + "the cluster manifests");
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).contains("xml");
        for (Run run : List.of(neither, both, missing, focus, format)) {
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    /** Standard error without the progress lines ({@code [1.2 s] ...}) that a slow machine may show. */
    private static List<String> errors(Run run) {
        return run.err().lines().filter(l -> !l.startsWith("[")).toList();
    }

    private static List<String> textLines(Run run) {
        return run.out().lines().takeWhile(l -> !l.isEmpty()).toList();
    }

    private static List<String> linesOf(JsonNode json) {
        List<String> lines = new ArrayList<>();
        json.get("connections").forEach(c -> lines.add(c.get("from").asText() + " => " + c.get("to").asText() + " : "
                + textOf(c.get("allowed"))));
        return lines;
    }

    /** {@code {"TCP": "80", "UDP": "81"}} as PortSet writes it: {@code TCP 80; UDP 81} or {@code all ports}. */
    private static String textOf(JsonNode ports) {
        List<String> parts = new ArrayList<>();
        ports.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asText()));
        return PortSet.parse(parts.isEmpty() ? "none" : String.join("; ", parts)).toString();
    }

    private static JsonNode connection(JsonNode json, String from, String to) {
        for (JsonNode c : json.get("connections")) {
            if (c.get("from").asText().equals(from) && c.get("to").asText().equals(to)) {
                return c;
            }
        }
        throw new AssertionError("no connection " + from + " => " + to);
    }

    /** RFC 4180: fields separated by commas, quoted when they hold a comma or a quote, records ended by CRLF. */
    private static List<List<String>> csv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        return rows;
    }

    private static String resource(String name) {
        try {
            return Path.of(ConnectivityCommandTest.class.getClassLoader().getResource(name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
