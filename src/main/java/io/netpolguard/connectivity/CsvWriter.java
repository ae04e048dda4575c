package io.netpolguard.connectivity;

import java.io.PrintWriter;
import java.util.List;

/**
 * RFC 4180 CSV with a header: {@code from,to,allowed,unverifiable,some_pods_only}, ports written as in text output
 * ({@code TCP 80,443-445; UDP 53}), empty when none; a diff as {@code change,from,to,before,after}.
 */
final class CsvWriter implements MapWriter {

    @Override
    public void write(ConnectivityMap map, PrintWriter out) {
        row(out, List.of("from", "to", "allowed", "unverifiable", "some_pods_only"));
        TableRows.of(map).forEach(cells -> row(out, cells));
    }

    @Override
    public void write(MapDiff diff, PrintWriter out) {
        row(out, TableRows.CHANGE_HEADER);
        TableRows.of(diff).forEach(cells -> row(out, cells));
    }

    private static void row(PrintWriter out, List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (String field : fields) {
            if (line.length() > 0) {
                line.append(',');
            }
            boolean quote = field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r");
            line.append(quote ? '"' + field.replace("\"", "\"\"") + '"' : field);
        }
        // RFC 4180 ends records with CRLF
        out.print(line.append("\r\n"));
    }
}
