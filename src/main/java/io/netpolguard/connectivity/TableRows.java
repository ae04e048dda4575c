package io.netpolguard.connectivity;

import java.util.ArrayList;
import java.util.List;

/** The cells of a map or a diff as a table, one row per connection or change: what CSV and Markdown both write. */
final class TableRows {
    static final List<String> LINK_HEADER = List.of("from", "to", "allowed", "unverifiable", "some pods only");
    static final List<String> CHANGE_HEADER = List.of("change", "from", "to", "before", "after");

    private TableRows() {
    }

    static List<List<String>> of(ConnectivityMap map) {
        List<List<String>> rows = new ArrayList<>(map.links().size());
        for (Link link : map.links()) {
            rows.add(List.of(link.from().name(), link.to().name(), text(link.allowed()), text(link.unverifiable()),
                    text(link.somePods())));
        }
        return rows;
    }

    static List<List<String>> of(MapDiff diff) {
        List<List<String>> rows = new ArrayList<>(diff.changes().size());
        for (Change change : diff.changes()) {
            rows.add(List.of(change.kind().name(), change.from().name(), change.to().name(),
                    change.before() == null ? "" : change.before().portsText(),
                    change.after() == null ? "" : change.after().portsText()));
        }
        return rows;
    }

    private static String text(PortSet ports) {
        return ports.isEmpty() ? "" : ports.toString();
    }
}
