package io.netpolguard.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.fuzz.Bounded;
import io.netpolguard.fuzz.Choices;
import io.netpolguard.fuzz.FuzzInput;
import io.netpolguard.fuzz.Hostile;
import io.netpolguard.fuzz.Seeds;
import io.netpolguard.fuzz.ShortRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 §5: the NetworkPolicy compiler and the cluster-wide policy compiler on hostile objects.
 * {@link PolicyCompiler#compile} either compiles or throws {@link InvalidPolicyException};
 * {@link PolicyCompiler#compileAsStored} throws only for a policy without a name (what it cannot read becomes
 * problems); {@link ClusterPolicyCompiler#compile} likewise, for every kind. The objects first go through the
 * conversion the readers use, whose documented failure is a {@link JsonProcessingException} or
 * {@link IllegalArgumentException} (the readers turn both into their own errors).
 */
class PolicyCompilerFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void networkPolicy(FuzzedDataProvider data) {
        checkNetworkPolicy(networkPolicies(Choices.of(data)));
    }

    @FuzzTest(maxDuration = "10m")
    void clusterPolicy(FuzzedDataProvider data) {
        checkClusterPolicy(clusterPolicies(Choices.of(data)));
    }

    @Test
    void shortRun() {
        ShortRun.run("NetworkPolicy compiler", 400, PolicyCompilerFuzzTest::networkPolicies,
                PolicyCompilerFuzzTest::checkNetworkPolicy);
        ShortRun.run("cluster policy compiler", 300, PolicyCompilerFuzzTest::clusterPolicies,
                PolicyCompilerFuzzTest::checkClusterPolicy);
    }

    static FuzzInput networkPolicies(Choices choices) {
        return Hostile.mutate(choices.oneOf(Seeds.objects("NetworkPolicy")), Seeds.objects(), Hostile.Format.JSON_TREE,
                choices);
    }

    static FuzzInput clusterPolicies(Choices choices) {
        return Hostile.mutate(choices.oneOf(Seeds.objects("ClusterNetworkPolicy", "AdminNetworkPolicy",
                "BaselineAdminNetworkPolicy")), Seeds.objects(), Hostile.Format.JSON_TREE, choices);
    }

    static void checkNetworkPolicy(FuzzInput input) {
        JsonNode tree = tree(input);
        if (tree == null) {
            return;
        }
        Optional<NetworkPolicy> policy = Bounded.documented(input, "reading a NetworkPolicy",
                () -> Manifests.JSON.treeToValue(tree, NetworkPolicy.class),
                e -> e instanceof JsonProcessingException || e instanceof IllegalArgumentException);
        if (policy.isEmpty()) {
            return;
        }
        Bounded.documented(input, "PolicyCompiler.compile", () -> PolicyCompiler.compile(policy.get()),
                e -> e instanceof InvalidPolicyException);
        Optional<CompiledPolicy> stored = Bounded.documented(input, "PolicyCompiler.compileAsStored",
                () -> PolicyCompiler.compileAsStored(policy.get()),
                e -> e instanceof InvalidPolicyException invalid && invalid.problem().equals("metadata.name is missing"));
        stored.ifPresent(compiled -> assertThat(compiled.problems()).as("problems of %s", input).allSatisfy(
                problem -> assertThat(problem).isNotBlank()));
    }

    static void checkClusterPolicy(FuzzInput input) {
        JsonNode tree = tree(input);
        if (tree == null) {
            return;
        }
        for (ClusterPolicyKind kind : ClusterPolicyKind.values()) {
            Optional<ClusterPolicy> policy = Bounded.documented(input, "ClusterPolicyCompiler.compile as " + kind.kind(),
                    () -> ClusterPolicyCompiler.compile(kind, tree),
                    e -> e instanceof InvalidPolicyException invalid && invalid.problem().equals("metadata.name is missing"));
            policy.ifPresent(compiled -> assertThat(compiled.problems()).as("problems of %s", input).allSatisfy(
                    problem -> assertThat(problem).isNotBlank()));
        }
    }

    /** The object as the readers hand it over: parsed; null when the parser already refuses it (too deep, too long). */
    private static JsonNode tree(FuzzInput input) {
        try {
            return Manifests.JSON.readTree(input.bytes());
        } catch (StreamConstraintsException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("the generator wrote JSON that cannot be read back: " + input, e);
        }
    }
}
