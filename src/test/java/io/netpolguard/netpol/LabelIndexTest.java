package io.netpolguard.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A label index finds what a selector matches as matching each label set would. */
class LabelIndexTest {
    private static final List<String> KEYS = List.of("team", "dynatrace.com/monitoring", "kubernetes.io/metadata.name");
    private static final List<String> VALUES = List.of("appmon", "fullstack", "", "payments");
    private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

    @Test
    void aMonitoringSelectorFindsTheNamespacesLabelledForIt() {
        List<LabelSet> namespaces = List.of(
                LabelSet.of(Map.of("dynatrace.com/monitoring", "appmon")),
                LabelSet.of(Map.of("dynatrace.com/monitoring", "fullstack", "team", "payments")),
                LabelSet.EMPTY,
                LabelSet.of(Map.of("team", "payments")));
        LabelIndex index = new LabelIndex(namespaces);

        assertThat(index.matching(selector(Map.of("dynatrace.com/monitoring", "appmon"), List.of())))
                .isEqualTo(bits(0));
        assertThat(index.matching(selector(Map.of(),
                List.of(requirement("dynatrace.com/monitoring", "NotIn", List.of("appmon")))))).isEqualTo(bits(1, 2, 3));
        assertThat(index.matching(selector(Map.of("team", "payments"),
                List.of(requirement("dynatrace.com/monitoring", "Exists", List.of()))))).isEqualTo(bits(1));
        assertThat(index.matching(Selector.EVERYTHING)).isEqualTo(bits(0, 1, 2, 3));
    }

    @Test
    void everySelectorMatchesThroughTheIndexAsItMatchesEachLabelSet() {
        Random random = new Random(20261201);
        for (int round = 0; round < 300; round++) {
            List<LabelSet> labelSets = new ArrayList<>();
            for (int i = random.nextInt(40); i > 0; i--) {
                Map<String, String> labels = new HashMap<>();
                for (String key : KEYS) {
                    if (random.nextInt(3) > 0) {
                        labels.put(key, pick(random, VALUES));
                    }
                }
                labelSets.add(LabelSet.of(labels));
            }
            Map<String, String> matchLabels = new HashMap<>();
            if (random.nextBoolean()) {
                matchLabels.put(pick(random, KEYS), pick(random, VALUES));
            }
            List<LabelSelectorRequirement> expressions = new ArrayList<>();
            for (int e = random.nextInt(3); e > 0; e--) {
                String operator = pick(random, OPERATORS);
                List<String> values = operator.endsWith("In")
                        ? List.of(pick(random, VALUES), pick(random, VALUES)).stream().distinct().toList() : List.of();
                expressions.add(requirement(pick(random, KEYS), operator, values));
            }
            Selector selector = selector(matchLabels, expressions);

            BitSet expected = new BitSet();
            for (int i = 0; i < labelSets.size(); i++) {
                expected.set(i, selector.matches(labelSets.get(i)));
            }
            assertThat(new LabelIndex(labelSets).matching(selector)).as("%s over %s", selector, labelSets)
                    .isEqualTo(expected);
        }
    }

    private static Selector selector(Map<String, String> matchLabels, List<LabelSelectorRequirement> expressions) {
        LabelSelector selector = new LabelSelectorBuilder().withMatchLabels(matchLabels).withMatchExpressions(expressions)
                .build();
        return Selector.compile(selector);
    }

    private static LabelSelectorRequirement requirement(String key, String operator, List<String> values) {
        return new LabelSelectorRequirement(key, operator, values);
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static BitSet bits(int... positions) {
        BitSet bits = new BitSet();
        for (int position : positions) {
            bits.set(position);
        }
        return bits;
    }
}
