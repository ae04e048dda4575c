package io.netpolguard.dynatrace;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.fuzz.Bounded;
import io.netpolguard.fuzz.Choices;
import io.netpolguard.fuzz.FuzzInput;
import io.netpolguard.fuzz.Hostile;
import io.netpolguard.fuzz.Judges;
import io.netpolguard.fuzz.Seeds;
import io.netpolguard.fuzz.ShortRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 §5: the DynaKube and EdgeConnect readers on hostile objects. Both return what they cannot read as
 * problems and never throw; the guard then judges the object as a change to the example cluster without an
 * exception. The objects first go through the conversion the readers' callers use (a JsonProcessingException or
 * IllegalArgumentException there is their documented refusal), with the metadata and name those callers ensure.
 */
class DynatraceReaderFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void dynatraceObject(FuzzedDataProvider data) {
        check(generate(Choices.of(data)));
    }

    @Test
    void shortRun() {
        ShortRun.run("DynaKube and EdgeConnect readers", 250, DynatraceReaderFuzzTest::generate,
                DynatraceReaderFuzzTest::check);
    }

    static FuzzInput generate(Choices choices) {
        return Hostile.mutate(choices.oneOf(Seeds.objects("DynaKube", "EdgeConnect")), Seeds.objects(),
                Hostile.Format.JSON_TREE, choices);
    }

    static void check(FuzzInput input) {
        JsonNode tree;
        try {
            tree = Manifests.JSON.readTree(input.bytes());
        } catch (StreamConstraintsException e) {
            return; // the parser refuses it before any reader sees it
        } catch (IOException e) {
            throw new UncheckedIOException("the generator wrote JSON that cannot be read back: " + input, e);
        }
        Optional<GenericKubernetesResource> read = Bounded.documented(input, "reading the object",
                () -> Manifests.JSON.treeToValue(tree, GenericKubernetesResource.class),
                e -> e instanceof JsonProcessingException || e instanceof IllegalArgumentException);
        if (read.isEmpty() || read.get().getMetadata() == null || read.get().getMetadata().getName() == null) {
            return;
        }
        GenericKubernetesResource resource = read.get();
        DynaKube dynaKube = Bounded.call(input, "DynaKubeReader.read", () -> DynaKubeReader.read(resource));
        assertThat(dynaKube.problems()).as("problems of %s", input).allSatisfy(p -> assertThat(p).isNotBlank());
        EdgeConnect edgeConnect = Bounded.call(input, "EdgeConnectReader.read", () -> EdgeConnectReader.read(resource));
        assertThat(edgeConnect.problems()).as("problems of %s", input).allSatisfy(p -> assertThat(p).isNotBlank());
        String kind = "EdgeConnect".equals(resource.getKind()) ? "EdgeConnect" : "DynaKube";
        String namespace = resource.getMetadata().getNamespace() == null ? "default" : resource.getMetadata().getNamespace();
        Change change = new Change.DynatraceChange(Change.Operation.CREATE, kind, namespace,
                resource.getMetadata().getName(), resource, null);
        var guard = Judges.guard();
        var snapshot = Judges.snapshot();
        Bounded.call(input, "Guard.judge", () -> guard.judge(snapshot, change));
    }
}
