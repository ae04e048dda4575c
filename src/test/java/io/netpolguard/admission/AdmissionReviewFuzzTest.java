package io.netpolguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.fuzz.Bounded;
import io.netpolguard.fuzz.Choices;
import io.netpolguard.fuzz.FuzzInput;
import io.netpolguard.fuzz.Hostile;
import io.netpolguard.fuzz.Judges;
import io.netpolguard.fuzz.Seeds;
import io.netpolguard.fuzz.ShortRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12 §5: the AdmissionReview reader, and the judgement the webhook makes of what it read, on hostile bodies.
 * {@link AdmissionRequestReader#read(byte[])} either reads the body (a request with a change, a reason to skip it,
 * or what it could not read) or throws {@link BadAdmissionReviewException} with a readable message; the handler
 * then answers without any exception (the server would turn one into an allow with a warning that shows the
 * exception), and the answer can be written as JSON. Each call within {@link Bounded#TIMEOUT_SECONDS}.
 *
 * <p>In the default build the fuzz tests replay their seeds (the scenario and webhook requests, and the inputs
 * under {@code AdmissionReviewFuzzTestInputs/}) and {@link #shortRun()} checks a bounded number of mutated
 * requests; with {@code JAZZER_FUZZ=1} Jazzer fuzzes one of them (README, "Fuzzing").
 */
class AdmissionReviewFuzzTest {
    static Stream<byte[]> seeds() {
        return Seeds.reviews().stream().map(seed -> seed.node().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10m")
    void body(byte[] body) {
        check(FuzzInput.raw(body));
    }

    @FuzzTest(maxDuration = "10m")
    void mutatedReview(FuzzedDataProvider data) {
        check(generate(Choices.of(data)));
    }

    @Test
    void shortRun() {
        ShortRun.run("AdmissionReview", 200, AdmissionReviewFuzzTest::generate, AdmissionReviewFuzzTest::check);
    }

    static FuzzInput generate(Choices choices) {
        return Hostile.mutate(choices.oneOf(Seeds.reviews()), donors(), Hostile.Format.JSON_BYTES, choices);
    }

    private static List<Seeds.Seed> donors;

    private static synchronized List<Seeds.Seed> donors() {
        if (donors == null) {
            List<Seeds.Seed> all = new ArrayList<>(Seeds.objects());
            all.addAll(Seeds.reviews());
            donors = List.copyOf(all);
        }
        return donors;
    }

    static void check(FuzzInput input) {
        Optional<AdmissionRequest> read = Bounded.documented(input, "AdmissionRequestReader.read",
                () -> AdmissionRequestReader.read(input.bytes()), e -> e instanceof BadAdmissionReviewException);
        if (read.isEmpty()) {
            return;
        }
        AdmissionRequest request = read.get();
        if (request.unreadable() != null) {
            assertThat(request.unreadable()).as("what could not be read, on %s", input).isNotBlank().doesNotContain("\tat ");
        }
        AdmissionHandler handler = Judges.handler();
        ClusterSnapshot snapshot = Judges.snapshot();
        AdmissionHandler.Outcome outcome = Bounded.call(input, "AdmissionHandler.handle",
                () -> handler.handle(request, snapshot));
        byte[] answer = Bounded.call(input, "writing the answer", () -> Manifests.JSON.writeValueAsBytes(outcome.response()));
        assertThat(answer).as("answer to %s", input).isNotEmpty();
    }
}
