package io.netpolguard.connectivity;

import java.io.PrintWriter;
import java.util.List;

/** A Markdown table: one row per connection (or per change of a diff). */
final class MarkdownWriter implements MapWriter {

    @Override
    public void write(ConnectivityMap map, PrintWriter out) {
        row(out, List.of("from", "to", "allowed", "unverifiable", "some pods only"));
        row(out, List.of("---", "---", "---", "---", "---"));
        for (Link link : map.links()) {
            row(out, List.of(link.from().name(), link.to().name(), text(link.allowed()), text(link.unverifiable()),
                    text(link.somePods())));
        }
    }

    @Override
    public void write(MapDiff diff, PrintWriter out) {
        row(out, List.of("change", "from", "to", "before", "after"));
        row(out, List.of("---", "---", "---", "---", "---"));
        for (Change change : diff.changes()) {
            row(out, List.of(change.kind().name(), change.from().name(), change.to().name(),
                    change.before() == null ? "" : change.before().portsText(),
                    change.after() == null ? "" : change.after().portsText()));
        }
    }

    private static String text(PortSet ports) {
        return ports.isEmpty() ? "" : ports.toString();
    }

    private static void row(PrintWriter out, List<String> cells) {
        StringBuilder line = new StringBuilder("|");
        for (String cell : cells) {
            line.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        out.println(line);
    }
}
