package io.netpolguard.connectivity;

import java.io.PrintWriter;

/** Writes a connectivity map, or the diff of two, in one format. */
public sealed interface MapWriter permits TextWriter, JsonWriter, CsvWriter, MarkdownWriter, DotWriter {

    void write(ConnectivityMap map, PrintWriter out);

    void write(MapDiff diff, PrintWriter out);
}
