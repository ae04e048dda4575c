package io.netpolguard.cli;

import io.netpolguard.cluster.ManifestException;
import io.netpolguard.cluster.Manifests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A probes file read as a stream, one probe at a time, so that a million probes need no more memory than one:
 * YAML or JSON, a list or several documents, as {@link Manifests#read} reads manifests.
 */
final class ProbeFile {
    private final Path file;
    private final boolean json;

    private ProbeFile(Path file, boolean json) {
        this.file = file;
        this.json = json;
    }

    /**
     * Reads every probe once, handing each to {@code check} (which throws for a bad one), and returns the file for
     * further passes. As for manifests, a file that looks like JSON is read as JSON, else or failing that as YAML,
     * so {@code check} may see the first probes twice.
     */
    static ProbeFile check(Path file, Consumer<Probe> check) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(file + ": no such probes file");
        }
        ProbeFile yaml = new ProbeFile(file, false);
        if (Manifests.looksLikeJson(file)) {
            ProbeFile json = new ProbeFile(file, true);
            try {
                json.read(check);
                return json;
            } catch (ManifestException jsonError) {
                try {
                    yaml.read(check);
                    return yaml;
                } catch (ManifestException yamlError) {
                    throw unreadable(jsonError);
                }
            }
        }
        try {
            yaml.read(check);
        } catch (ManifestException e) {
            throw unreadable(e);
        }
        return yaml;
    }

    /** Each probe in file order. */
    void forEach(Consumer<Probe> action) {
        try {
            read(action);
        } catch (ManifestException e) {
            throw unreadable(e);
        }
    }

    private void read(Consumer<Probe> action) {
        int[] number = {0};
        Manifests.stream(file, json, document -> action.accept(Probe.of(document.node(), ++number[0])));
    }

    private static InputException unreadable(ManifestException e) {
        return new InputException(e.getMessage().replace("expected a Kubernetes object", "expected a probe object"));
    }
}
