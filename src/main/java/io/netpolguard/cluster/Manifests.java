package io.netpolguard.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;

/** Finds manifest files and splits them into documents: YAML (multi-document) or JSON, and {@code kind: List}. */
public final class Manifests {
    /** Converts parsed documents into fabric8 model objects. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder().loaderOptions(loaderOptions())
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build());

    /** SnakeYAML refuses documents over 3 MB by default; {@code kubectl get -A -o yaml} easily writes more. */
    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE);
        return options;
    }

    private Manifests() {
    }

    /**
     * A document and where it came from: {@code origin} for error messages, {@code file} and the {@code line} it starts
     * on (1-based; 0 when not known) for reports that point at it.
     */
    public record Document(JsonNode node, String origin, String file, int line) {
    }

    /** Every .yaml, .yml and .json file under the given files and directories, sorted, recursively. */
    public static List<Path> files(List<Path> roots) {
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                throw new ManifestException(root + ": no such file or directory");
            }
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile).filter(Manifests::isManifest).filter(p -> !inHiddenDirectory(root, p)).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new ManifestException(root + ": cannot read directory: " + e.getMessage());
                }
            } else {
                files.add(root);
            }
        }
        return files;
    }

    /**
     * A ConfigMap mounted as a directory holds each file twice, under timestamped {@code ..data}
     * directories; hidden directories are skipped so every object is read once.
     */
    private static boolean inHiddenDirectory(Path root, Path file) {
        Path relative = root.relativize(file);
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            if (relative.getName(i).toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isManifest(Path path) {
        String name = path.getFileName().toString().toLowerCase();
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    /** The documents of one file; list kinds are flattened into their items. */
    public static List<Document> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ManifestException(file + ": cannot read file: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public static List<Document> parse(String text, String origin) {
        // JSON is read as JSON first: YAML forbids the tab indentation that much JSON uses.
        if (looksLikeJson(text)) {
            try {
                return parse(JSON, text, origin);
            } catch (ManifestException jsonError) {
                try {
                    return parse(YAML, text, origin);
                } catch (ManifestException yamlError) {
                    throw jsonError;
                }
            }
        }
        return parse(YAML, text, origin);
    }

    /**
     * The objects of one file in order, one at a time, as {@link #read} finds them, without holding the file or
     * a whole document (a list is read item by item): for inputs too large for memory. JSON when {@code json},
     * else YAML; a caller that wants {@link #read}'s choice tries JSON first when {@link #looksLikeJson(Path)}.
     */
    public static void stream(Path file, boolean json, Consumer<Document> action) {
        ObjectMapper mapper = json ? JSON : YAML;
        String origin = file.toString();
        try (InputStream in = Files.newInputStream(file); JsonParser parser = mapper.createParser(in)) {
            int index = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                String where = origin + " (document " + ++index + ")";
                int line = parser.currentTokenLocation().getLineNr();
                if (token == JsonToken.START_ARRAY) {
                    int item = 0;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        List<Document> objects = new ArrayList<>(1);
                        addObject(mapper.readTree(parser), where + " item " + item++, origin, line, objects);
                        accept(objects, action);
                    }
                    continue;
                }
                JsonNode node = mapper.readTree(parser);
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue;
                }
                List<Document> objects = new ArrayList<>(1);
                addObject(node, where, origin, line, objects);
                accept(objects, action);
            }
        } catch (JsonProcessingException e) {
            throw new ManifestException(origin + ": not valid YAML or JSON: " + e.getOriginalMessage() + location(e));
        } catch (IOException e) {
            throw new ManifestException(origin + ": cannot read: " + e.getMessage());
        } catch (ActionFailed e) {
            throw (RuntimeException) e.getCause();
        } catch (ManifestException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ManifestException(origin + ": not valid YAML or JSON: " + e.getMessage());
        }
    }

    private static void accept(List<Document> objects, Consumer<Document> action) {
        for (Document object : objects) {
            try {
                action.accept(object);
            } catch (RuntimeException e) {
                throw new ActionFailed(e);
            }
        }
    }

    /** What the caller's action threw, passed through untouched (not taken for a parse error). */
    private static final class ActionFailed extends RuntimeException {
        ActionFailed(RuntimeException cause) {
            super(cause);
        }
    }

    /** Whether the file's first character other than white space is '{' or '[' (read no further). */
    public static boolean looksLikeJson(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (int c = reader.read(); c >= 0; c = reader.read()) {
                if (!Character.isWhitespace(c) && c != '\uFEFF') {
                    return c == '{' || c == '[';
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean looksLikeJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && c != '\uFEFF') {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    private static List<Document> parse(ObjectMapper mapper, String text, String origin) {
        List<Document> documents = new ArrayList<>();
        // One tree per document. Not MappingIterator: it unwraps a root array and then stops, dropping
        // every document after a first document that is a list.
        try (JsonParser parser = mapper.createParser(text)) {
            int index = 0;
            while (parser.nextToken() != null) {
                int line = parser.currentTokenLocation().getLineNr();
                JsonNode node = mapper.readTree(parser);
                index++;
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue;
                }
                String where = origin + " (document " + index + ")";
                if (node.isArray()) {
                    for (int i = 0; i < node.size(); i++) {
                        addObject(node.get(i), where + " item " + i, origin, line, documents);
                    }
                } else {
                    addObject(node, where, origin, line, documents);
                }
            }
        } catch (JsonProcessingException e) {
            throw new ManifestException(origin + ": not valid YAML or JSON: " + e.getOriginalMessage()
                    + location(e));
        } catch (IOException e) {
            throw new ManifestException(origin + ": cannot read: " + e.getMessage());
        } catch (RuntimeException e) {
            if (e instanceof ManifestException) {
                throw e;
            }
            throw new ManifestException(origin + ": not valid YAML or JSON: " + e.getMessage());
        }
        return documents;
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    private static void addObject(JsonNode node, String where, String file, int line, List<Document> documents) {
        if (!node.isObject()) {
            throw new ManifestException(where + ": expected a Kubernetes object, found " + node.getNodeType().toString().toLowerCase());
        }
        String kind = node.path("kind").asText("");
        if (kind.endsWith("List") && node.has("items")) {
            JsonNode items = node.get("items");
            for (int i = 0; i < items.size(); i++) {
                addObject(items.get(i), where + " item " + i, file, line, documents);
            }
            return;
        }
        documents.add(new Document(node, where, file, Math.max(line, 0)));
    }
}
