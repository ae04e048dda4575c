package io.netpolguard.netpol;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A compiled label selector: matchLabels and matchExpressions, all ANDed. An empty selector matches everything. */
public final class Selector {
    public static final Selector EVERYTHING = new Selector(List.of(), "{}");

    /** An array, walked without an iterator: selectors are matched for every pod and namespace. */
    private final Requirement[] requirements;
    private final String text;

    private Selector(List<Requirement> requirements, String text) {
        this.requirements = requirements.toArray(Requirement[]::new);
        this.text = text;
    }

    public static Selector compile(LabelSelector selector) {
        if (selector == null) {
            return EVERYTHING;
        }
        List<Requirement> requirements = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        Map<String, String> matchLabels = selector.getMatchLabels();
        if (matchLabels != null) {
            matchLabels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                requirements.add(new Requirement(e.getKey(), Operator.EQUALS, Set.of(e.getValue() == null ? "" : e.getValue())));
                parts.add(e.getKey() + "=" + e.getValue());
            });
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement expression : selector.getMatchExpressions()) {
                // a null entry is read as the API server decodes it: an empty requirement, which has no key
                Requirement requirement = Requirement.of(expression == null ? new LabelSelectorRequirement() : expression);
                requirements.add(requirement);
                parts.add(requirement.toString());
            }
        }
        return requirements.isEmpty() ? EVERYTHING : new Selector(List.copyOf(requirements), "{" + String.join(", ", parts) + "}");
    }

    public boolean matches(LabelSet labels) {
        for (Requirement requirement : requirements) {
            if (!requirement.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** {@link LabelIndex#matching}: the requirements' positions, intersected. */
    BitSet matchingIn(LabelIndex index) {
        BitSet matching = index.all();
        for (Requirement requirement : requirements) {
            matching.and(requirement.matchingIn(index));
        }
        return matching;
    }

    public boolean matchesEverything() {
        return requirements.length == 0;
    }

    /** The label keys this selector looks at. */
    public Set<String> keys() {
        Set<String> keys = new HashSet<>();
        for (Requirement requirement : requirements) {
            keys.add(requirement.key());
        }
        return keys;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Selectors with the same requirements select the same: equal, so that what they select can be cached once. */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Selector other && Arrays.equals(requirements, other.requirements);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(requirements);
    }

    private enum Operator { EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

    private record Requirement(String key, Operator operator, Set<String> values) {

        static Requirement of(LabelSelectorRequirement expression) {
            String key = expression.getKey();
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("a matchExpressions entry has no key");
            }
            List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
            String op = expression.getOperator() == null ? "" : expression.getOperator();
            Operator operator = switch (op) {
                case "In" -> Operator.IN;
                case "NotIn" -> Operator.NOT_IN;
                case "Exists" -> Operator.EXISTS;
                case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
                default -> throw new IllegalArgumentException("matchExpressions key '" + key + "' has operator '" + op
                        + "' (expected In, NotIn, Exists or DoesNotExist)");
            };
            boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
            if (needsValues && values.isEmpty()) {
                throw new IllegalArgumentException("matchExpressions key '" + key + "' with operator " + op + " needs values");
            }
            if (!needsValues && !values.isEmpty()) {
                throw new IllegalArgumentException("matchExpressions key '" + key + "' with operator " + op + " must not have values");
            }
            // a null value is decoded as the empty string, as the API server does
            return new Requirement(key, operator, Set.copyOf(values.stream().map(v -> v == null ? "" : v).toList()));
        }

        boolean matches(LabelSet labels) {
            String value = labels.get(key);
            return switch (operator) {
                case EQUALS, IN -> value != null && values.contains(value);
                case NOT_IN -> value == null || !values.contains(value);
                case EXISTS -> value != null;
                case DOES_NOT_EXIST -> value == null;
            };
        }

        /** The positions of {@code index} whose label sets this requirement matches, as {@link #matches} does. */
        BitSet matchingIn(LabelIndex index) {
            BitSet matching = new BitSet(index.size());
            if (operator == Operator.EXISTS || operator == Operator.DOES_NOT_EXIST) {
                matching.or(index.withKey(key));
            } else {
                for (String value : values) {
                    matching.or(index.withValue(key, value));
                }
            }
            if (operator == Operator.NOT_IN || operator == Operator.DOES_NOT_EXIST) {
                matching.flip(0, index.size());
            }
            return matching;
        }

        @Override
        public String toString() {
            return switch (operator) {
                case EQUALS -> key + "=" + values.iterator().next();
                case IN -> key + " in (" + String.join(",", values.stream().sorted().toList()) + ")";
                case NOT_IN -> key + " notin (" + String.join(",", values.stream().sorted().toList()) + ")";
                case EXISTS -> key;
                case DOES_NOT_EXIST -> "!" + key;
            };
        }
    }
}
