package io.netpolguard.connectivity;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Graphviz {@code dot}: one cluster per namespace with its workloads, the address ranges that have a connection, one
 * edge per connection labelled with its ports (dashed orange when some ports are unverifiable, dotted grey when only
 * some pods connect). A diff draws the changed connections only: added green, removed red, changed orange.
 */
final class DotWriter implements MapWriter {

    @Override
    public void write(ConnectivityMap map, PrintWriter out) {
        Set<End> linked = new LinkedHashSet<>();
        map.links().forEach(l -> {
            linked.add(l.from());
            linked.add(l.to());
        });
        header(out, map.ends().stream().filter(e -> e instanceof Workload || linked.contains(e)).toList());
        for (Link link : map.links()) {
            String style = !link.somePods().isEmpty() ? " color=\"grey40\" style=\"dotted\""
                    : !link.unverifiable().isEmpty() ? " color=\"darkorange\" style=\"dashed\"" : "";
            out.println("\t" + id(link.from()) + " -> " + id(link.to()) + " [label=" + quote(link.portsText()) + style + "]");
        }
        out.println("}");
    }

    @Override
    public void write(MapDiff diff, PrintWriter out) {
        Set<End> ends = new LinkedHashSet<>();
        diff.changes().forEach(c -> {
            ends.add(c.from());
            ends.add(c.to());
        });
        header(out, ends.stream().sorted().toList());
        for (Change change : diff.changes()) {
            String label;
            String style;
            switch (change.kind()) {
                case added -> {
                    label = change.after().portsText();
                    style = " color=\"darkgreen\" fontcolor=\"darkgreen\"";
                }
                case removed -> {
                    label = change.before().portsText();
                    style = " color=\"red\" fontcolor=\"red\" style=\"dashed\"";
                }
                default -> {
                    label = change.before().portsText() + " -> " + change.after().portsText();
                    style = " color=\"darkorange\" fontcolor=\"darkorange\"";
                }
            }
            out.println("\t" + id(change.from()) + " -> " + id(change.to()) + " [label=" + quote(change.kind() + ": " + label)
                    + style + "]");
        }
        out.println("}");
    }

    private static void header(PrintWriter out, List<End> ends) {
        out.println("digraph connectivity {");
        out.println("\tnode [shape=box fontname=\"Helvetica\"]");
        out.println("\tedge [fontname=\"Helvetica\" fontsize=10]");
        Map<String, List<Workload>> byNamespace = new LinkedHashMap<>();
        for (End end : ends) {
            if (end instanceof Workload workload) {
                byNamespace.computeIfAbsent(workload.namespace(), n -> new java.util.ArrayList<>()).add(workload);
            }
        }
        byNamespace.forEach((namespace, workloads) -> {
            out.println("\tsubgraph " + quote("cluster_" + namespace) + " {");
            out.println("\t\tlabel=" + quote(namespace));
            for (Workload workload : workloads) {
                out.println("\t\t" + id(workload) + " [label=" + quote(workload.kind() + "/" + workload.workloadName()) + "]");
            }
            out.println("\t}");
        });
        for (End end : ends) {
            if (end instanceof AddressRange) {
                out.println("\t" + id(end) + " [shape=ellipse color=\"steelblue\"]");
            }
        }
    }

    private static String id(End end) {
        return quote(end.name());
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
