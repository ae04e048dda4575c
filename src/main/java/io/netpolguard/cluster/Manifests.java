package io.netpolguard.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** A document and where it came from, for error messages. */
    public record Document(JsonNode node, String origin) {
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
                JsonNode node = mapper.readTree(parser);
                index++;
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue;
                }
                String where = origin + " (document " + index + ")";
                if (node.isArray()) {
                    for (int i = 0; i < node.size(); i++) {
                        addObject(node.get(i), where + " item " + i, documents);
                    }
                } else {
                    addObject(node, where, documents);
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

    private static void addObject(JsonNode node, String where, List<Document> documents) {
        if (!node.isObject()) {
            throw new ManifestException(where + ": expected a Kubernetes object, found " + node.getNodeType().toString().toLowerCase());
        }
        String kind = node.path("kind").asText("");
        if (kind.endsWith("List") && node.has("items")) {
            JsonNode items = node.get("items");
            for (int i = 0; i < items.size(); i++) {
                addObject(items.get(i), where + " item " + i, documents);
            }
            return;
        }
        documents.add(new Document(node, where));
    }
}
