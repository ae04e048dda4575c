package io.netpolguard.cluster;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netpolguard.fuzz.Bounded;
import io.netpolguard.fuzz.Choices;
import io.netpolguard.fuzz.FuzzInput;
import io.netpolguard.fuzz.Hostile;
import io.netpolguard.fuzz.Judges;
import io.netpolguard.fuzz.Seeds;
import io.netpolguard.fuzz.ShortRun;
import io.netpolguard.guard.FlowResult;
import io.netpolguard.guard.Guard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12 §5: the manifest reader on hostile files, as the {@code check} and {@code review} commands and the
 * webhook's manifest source read them. {@link Manifests#read(Path)} returns documents or throws
 * {@link ManifestException}; {@link SnapshotBuilder#add} takes each document or throws {@link ManifestException};
 * the snapshot is built and checked as {@code netpol-guard check} would, all without any other exception and each
 * call within {@link Bounded#TIMEOUT_SECONDS}.
 */
class ManifestFuzzTest {
    private static Path file;

    static Stream<byte[]> seeds() {
        return Seeds.manifestFiles().stream().map(seed -> {
            try {
                return Files.readAllBytes(Seeds.resources().resolve(seed.name()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void manifestFile(byte[] bytes) {
        check(FuzzInput.raw(bytes));
    }

    @FuzzTest(maxDuration = "10m")
    void mutatedManifest(FuzzedDataProvider data) {
        check(generate(Choices.of(data)));
    }

    @Test
    void shortRun() {
        ShortRun.run("manifests", 120, ManifestFuzzTest::generate, ManifestFuzzTest::check);
    }

    static FuzzInput generate(Choices choices) {
        return Hostile.mutate(choices.oneOf(Seeds.manifestFiles()), Seeds.objects(), Hostile.Format.MANIFEST_BYTES, choices);
    }

    static void check(FuzzInput input) {
        Path path = file();
        try {
            Files.write(path, input.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Optional<List<Manifests.Document>> documents = Bounded.documented(input, "Manifests.read",
                () -> Manifests.read(path), e -> e instanceof ManifestException);
        SnapshotBuilder builder = new SnapshotBuilder(skipped -> { });
        for (Manifests.Document document : documents.orElse(List.of())) {
            Bounded.documented(input, "SnapshotBuilder.add", () -> builder.add(document.node(), document.origin()),
                    e -> e instanceof ManifestException);
        }
        ClusterSnapshot snapshot = Bounded.call(input, "SnapshotBuilder.build", builder::build);
        Guard guard = Judges.guard();
        Bounded.run(input, "what netpol-guard check does with the snapshot", () -> {
            if (guard.hasAnythingToCheck(snapshot)) {
                List<FlowResult> results = guard.check(snapshot);
                guard.problems(snapshot);
                var explainer = guard.explainer(snapshot);
                results.forEach(explainer::explain);
            }
        });
    }

    private static synchronized Path file() {
        if (file == null) {
            try {
                file = Files.createTempFile("fuzzed-manifest", ".yaml");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            file.toFile().deleteOnExit();
        }
        return file;
    }
}
