package io.netpolguard.connectivity;

import java.io.PrintWriter;

/**
 * One line per connection, {@code from => to : ports}, then a summary line; a diff has one line per change,
 * {@code added|removed|changed  from => to : ports}, the change showing {@code before -> after}.
 */
final class TextWriter implements MapWriter {

    @Override
    public void write(ConnectivityMap map, PrintWriter out) {
        StringBuilder line = new StringBuilder(128);
        for (Link link : map.links()) {
            line.setLength(0);
            out.println(line.append(link.from().name()).append(" => ").append(link.to().name()).append(" : ")
                    .append(link.portsText()));
        }
        long workloads = map.ends().stream().filter(e -> e instanceof Workload).count();
        out.println();
        out.println(map.links().size() + " connections; " + workloads + " workloads and " + (map.ends().size() - workloads)
                + " address ranges looked at; " + map.unverifiableCount() + " with unverifiable ports, "
                + map.somePodsCount() + " allowed for some pods only");
    }

    @Override
    public void write(MapDiff diff, PrintWriter out) {
        for (Change change : diff.changes()) {
            String ports = switch (change.kind()) {
                case added -> change.after().portsText();
                case removed -> change.before().portsText();
                case changed -> change.before().portsText() + " -> " + change.after().portsText();
            };
            out.printf("%-8s %s => %s : %s%n", change.kind(), change.from().name(), change.to().name(), ports);
        }
        if (!diff.isEmpty()) {
            out.println();
        }
        out.println(diff.isEmpty() ? "no differences" : diff.count(Change.Kind.added) + " added, "
                + diff.count(Change.Kind.removed) + " removed, " + diff.count(Change.Kind.changed) + " changed");
    }
}
