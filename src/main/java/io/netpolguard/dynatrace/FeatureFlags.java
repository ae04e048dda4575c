package io.netpolguard.dynatrace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.netpolguard.cluster.Manifests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The DynaKube annotations ({@code feature.dynatrace.com/...}) that change where traffic goes
 * (pkg/api/exp/flag.go, injection.go, activegate.go, oneagent.go).
 */
public record FeatureFlags(NoProxy noProxy, List<Pattern> ignoredNamespaces, boolean activeGateIgnoresProxy,
        boolean oneAgentIgnoresProxy) {
    public static final String NO_PROXY = "feature.dynatrace.com/no-proxy";
    public static final String IGNORED_NAMESPACES = "feature.dynatrace.com/ignored-namespaces";
    public static final String ACTIVEGATE_IGNORE_PROXY = "feature.dynatrace.com/activegate-ignore-proxy";
    public static final String ONEAGENT_IGNORE_PROXY = "feature.dynatrace.com/oneagent-ignore-proxy";
    public static final FeatureFlags NONE = new FeatureFlags(NoProxy.NONE, null, false, false);

    public FeatureFlags {
        ignoredNamespaces = ignoredNamespaces == null ? null : List.copyOf(ignoredNamespaces);
    }

    /** Reads the flags from a DynaKube's annotations; an unreadable value is a problem and keeps the default. */
    static FeatureFlags read(Map<String, String> annotations, List<String> problems) {
        if (annotations == null || annotations.isEmpty()) {
            return NONE;
        }
        return new FeatureFlags(NoProxy.parse(annotations.get(NO_PROXY)), ignoredNamespaces(annotations.get(IGNORED_NAMESPACES), problems),
                "true".equalsIgnoreCase(annotations.get(ACTIVEGATE_IGNORE_PROXY)),
                "true".equalsIgnoreCase(annotations.get(ONEAGENT_IGNORE_PROXY)));
    }

    /** A JSON list of regular expressions that replaces the operator's default list; null when not set. */
    private static List<Pattern> ignoredNamespaces(String value, List<String> problems) {
        if (value == null) {
            return null;
        }
        try {
            List<String> expressions = Manifests.JSON.readValue(value, new TypeReference<List<String>>() { });
            List<Pattern> patterns = new ArrayList<>();
            for (String expression : expressions) {
                patterns.add(Pattern.compile(expression));
            }
            return patterns;
        } catch (JsonProcessingException | PatternSyntaxException | NullPointerException e) {
            problems.add("annotation " + IGNORED_NAMESPACES + " is not a JSON list of regular expressions; "
                    + "the operator then uses its default list, and so does the guard");
            return null;
        }
    }

    /** Character reads one match may make: far more than any sane pattern needs on a namespace name. */
    static final int MATCH_BUDGET = 1_000_000;

    /**
     * Whether the pattern is found in the text, within {@link #MATCH_BUDGET} character reads. The patterns come from
     * the DynaKube's annotation and Java's regex engine backtracks (the operator's Go RE2 does not): a pattern such as
     * {@code ^(.*a){20}$} would take hours on a 63-character name. One that runs out of reads counts as not matching:
     * the namespace's apps keep their flows, the stricter reading.
     */
    static boolean find(Pattern pattern, String text) {
        try {
            return pattern.matcher(new BoundedText(text, new int[] {MATCH_BUDGET})).find();
        } catch (BudgetExhausted e) {
            return false;
        }
    }

    private static final class BudgetExhausted extends RuntimeException {
        BudgetExhausted() {
            super("regular expression match took too long", null, false, false);
        }
    }

    /** The text, counting every character the regex engine reads against a shared budget. */
    private record BoundedText(String text, int[] budget) implements CharSequence {
        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new BudgetExhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BoundedText(text.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    public boolean bypassesProxy(String host) {
        return noProxy.bypasses(host);
    }
}
