package io.netpolguard.netpol;

import java.util.ArrayList;
import java.util.List;

/**
 * An expected truth table of pod-to-pod connections, like the reachability matrix of the Kubernetes
 * NetworkPolicy e2e suite: rows are sources, columns destinations. Patterns name pods as
 * {@code x/a}, {@code x/*}, {@code *}{@code /a} or {@code *}. A pod may always connect to itself, so
 * patterns never change the diagonal, which stays allowed. Immutable: {@code allow} and {@code block}
 * return a new table.
 */
public final class Reachability {
    private final List<String> pods;
    private final boolean[][] allowed;

    private Reachability(List<String> pods, boolean value) {
        this.pods = List.copyOf(pods);
        this.allowed = new boolean[pods.size()][pods.size()];
        for (int from = 0; from < pods.size(); from++) {
            for (int to = 0; to < pods.size(); to++) {
                allowed[from][to] = value || from == to;
            }
        }
    }

    /** Every pod of the x/y/z cluster may connect to every pod. */
    public static Reachability allAllowed() {
        return new Reachability(XyzCluster.PODS, true);
    }

    /** No pod of the x/y/z cluster may connect to another pod. */
    public static Reachability allBlocked() {
        return new Reachability(XyzCluster.PODS, false);
    }

    public Reachability allow(String fromPattern, String toPattern) {
        return set(fromPattern, toPattern, true);
    }

    public Reachability block(String fromPattern, String toPattern) {
        return set(fromPattern, toPattern, false);
    }

    private Reachability(Reachability original) {
        this.pods = original.pods;
        this.allowed = new boolean[pods.size()][];
        for (int from = 0; from < pods.size(); from++) {
            allowed[from] = original.allowed[from].clone();
        }
    }

    private Reachability set(String fromPattern, String toPattern, boolean value) {
        Reachability copy = new Reachability(this);
        boolean any = false;
        for (int from = 0; from < pods.size(); from++) {
            for (int to = 0; to < pods.size(); to++) {
                if (matches(fromPattern, pods.get(from)) && matches(toPattern, pods.get(to))) {
                    any = true;
                    if (from != to) {
                        copy.allowed[from][to] = value;
                    }
                }
            }
        }
        if (!any) {
            throw new IllegalArgumentException("pattern " + fromPattern + " -> " + toPattern + " matches no pod pair");
        }
        return copy;
    }

    private static boolean matches(String pattern, String pod) {
        if (pattern.equals("*")) {
            return true;
        }
        String[] wanted = pattern.split("/", 2);
        String[] actual = pod.split("/", 2);
        return (wanted[0].equals("*") || wanted[0].equals(actual[0])) && (wanted[1].equals("*") || wanted[1].equals(actual[1]));
    }

    void assertMatches(XyzCluster cluster, Protocol protocol, int port) {
        Verdict[][] verdicts = new Verdict[pods.size()][pods.size()];
        List<String> differences = new ArrayList<>();
        for (int from = 0; from < pods.size(); from++) {
            for (int to = 0; to < pods.size(); to++) {
                Verdict verdict = cluster.probe(pods.get(from), pods.get(to), protocol, port);
                verdicts[from][to] = verdict;
                if (verdict.allowed() != allowed[from][to]) {
                    differences.add(pods.get(from) + " -> " + pods.get(to) + ": expected "
                            + (allowed[from][to] ? "allowed" : "blocked") + ", was " + verdict.outcome() + "\n    "
                            + verdict.explanation().replace("\n", "\n    "));
                }
            }
        }
        if (differences.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder();
        message.append(protocol).append('/').append(port).append(": ").append(differences.size()).append(" of ")
                .append(pods.size() * pods.size()).append(" connections differ from the expected reachability")
                .append(" (rows: from, columns: to; . allowed, X blocked, ? undetermined)\n");
        message.append("expected:\n").append(table((from, to) -> allowed[from][to] ? "." : "X"));
        message.append("actual:\n").append(table((from, to) -> switch (verdicts[from][to].outcome()) {
            case ALLOWED -> ".";
            case BLOCKED -> "X";
            case UNDETERMINED -> "?";
        }));
        message.append("differences:\n");
        differences.forEach(d -> message.append("  ").append(d).append('\n'));
        throw new AssertionError(message.toString());
    }

    private interface Cell {
        String at(int from, int to);
    }

    private String table(Cell cell) {
        StringBuilder header = new StringBuilder("        ");
        pods.forEach(pod -> header.append(String.format("%-5s", pod)));
        StringBuilder out = new StringBuilder(header.toString().stripTrailing()).append('\n');
        for (int from = 0; from < pods.size(); from++) {
            StringBuilder row = new StringBuilder(String.format("    %-4s", pods.get(from)));
            for (int to = 0; to < pods.size(); to++) {
                row.append(String.format("%-5s", " " + cell.at(from, to)));
            }
            out.append(row.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return table((from, to) -> allowed[from][to] ? "." : "X");
    }
}
