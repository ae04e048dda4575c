package io.netpolguard.connectivity;

/** How a map or a diff is written. */
public enum MapFormat {
    text, json, csv, md, dot;

    public MapWriter writer() {
        return switch (this) {
            case text -> new TextWriter();
            case json -> new JsonWriter();
            case csv -> new CsvWriter();
            case md -> new MarkdownWriter();
            case dot -> new DotWriter();
        };
    }
}
