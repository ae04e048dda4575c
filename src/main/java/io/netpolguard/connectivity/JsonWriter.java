package io.netpolguard.connectivity;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code {"connections": [{"from", "to", "allowed", "unverifiable", "somePodsOnly"}], "workloads", "addressRanges"}},
 * ports as {@code {"TCP": "80,443-445", "UDP": "53"}}; a diff as {@code {"changes": [{"change", "from", "to",
 * "before", "after"}], "summary"}}. Streamed: a large map is never one string in memory.
 */
final class JsonWriter implements MapWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    @Override
    public void write(ConnectivityMap map, PrintWriter out) {
        try (JsonGenerator json = generator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("connections");
            for (Link link : map.links()) {
                json.writeStartObject();
                json.writeStringField("from", link.from().name());
                json.writeStringField("to", link.to().name());
                ports(json, link);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("workloads");
            for (End end : map.ends()) {
                if (end instanceof Workload) {
                    json.writeString(end.name());
                }
            }
            json.writeEndArray();
            json.writeArrayFieldStart("addressRanges");
            for (End end : map.ends()) {
                if (end instanceof AddressRange) {
                    json.writeString(end.name());
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
    }

    @Override
    public void write(MapDiff diff, PrintWriter out) {
        try (JsonGenerator json = generator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("changes");
            for (Change change : diff.changes()) {
                json.writeStartObject();
                json.writeStringField("change", change.kind().name());
                json.writeStringField("from", change.from().name());
                json.writeStringField("to", change.to().name());
                side(json, "before", change.before());
                side(json, "after", change.after());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeObjectFieldStart("summary");
            for (Change.Kind kind : Change.Kind.values()) {
                json.writeNumberField(kind.name(), diff.count(kind));
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
    }

    private static JsonGenerator generator(PrintWriter out) throws IOException {
        return FACTORY.createGenerator(out).useDefaultPrettyPrinter().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    private static void side(JsonGenerator json, String name, Link link) throws IOException {
        if (link == null) {
            json.writeNullField(name);
            return;
        }
        json.writeObjectFieldStart(name);
        ports(json, link);
        json.writeEndObject();
    }

    private static void ports(JsonGenerator json, Link link) throws IOException {
        ports(json, "allowed", link.allowed());
        ports(json, "unverifiable", link.unverifiable());
        ports(json, "somePodsOnly", link.somePods());
    }

    private static void ports(JsonGenerator json, String name, PortSet ports) throws IOException {
        json.writeObjectFieldStart(name);
        for (Map.Entry<String, String> entry : ports.byProtocol().entrySet()) {
            json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
    }
}
