package io.netpolguard.connectivity;

import java.io.PrintWriter;
import java.util.List;

/** A Markdown table: one row per connection (or per change of a diff). */
final class MarkdownWriter implements MapWriter {

    @Override
    public void write(ConnectivityMap map, PrintWriter out) {
        row(out, TableRows.LINK_HEADER);
        row(out, List.of("---", "---", "---", "---", "---"));
        TableRows.of(map).forEach(cells -> row(out, cells));
    }

    @Override
    public void write(MapDiff diff, PrintWriter out) {
        row(out, TableRows.CHANGE_HEADER);
        row(out, List.of("---", "---", "---", "---", "---"));
        TableRows.of(diff).forEach(cells -> row(out, cells));
    }

    private static void row(PrintWriter out, List<String> cells) {
        StringBuilder line = new StringBuilder("|");
        for (String cell : cells) {
            line.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        out.println(line);
    }
}
