package io.netpolguard.dynatrace;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.LabelIndex;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import io.netpolguard.netpol.Selector;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The application pods a DynaKube reaches into, and what each needs. The operator's webhook
 * mutates pods for three features, each with its own namespaceSelector: code-module injection,
 * metadata enrichment and the OTLP exporter configuration (pkg/injection/namespace/mapper/mapper.go).
 * It never touches the namespaces of its ignore list (pkg/api/exp/injection.go): the DynaKube's own,
 * {@code kube-*}, {@code openshift(-*)}, {@code gke-*} and {@code gmp-*}, unless the DynaKube's
 * {@code feature.dynatrace.com/ignored-namespaces} annotation replaces that list.
 */
final class MonitoredApps {
    /** A feature that selects namespaces. */
    enum Feature { CODE_MODULES, ENRICHMENT, OTLP }

    /** Each set of features, by its bits ({@link Feature#ordinal()}): made once, read only. */
    private static final List<Set<Feature>> FEATURE_SETS = featureSets();

    private static List<Set<Feature>> featureSets() {
        List<Set<Feature>> sets = new ArrayList<>();
        for (int bits = 0; bits < 1 << Feature.values().length; bits++) {
            Set<Feature> features = EnumSet.noneOf(Feature.class);
            for (Feature feature : Feature.values()) {
                if ((bits & 1 << feature.ordinal()) != 0) {
                    features.add(feature);
                }
            }
            sets.add(java.util.Collections.unmodifiableSet(features));
        }
        return List.copyOf(sets);
    }

    /** An application pod and the features that reach it. */
    record App(PodEndpoint pod, Set<Feature> features) {
    }

    private MonitoredApps() {
    }

    /**
     * Whether the operator's default ignore list ({@code ^<dynakube namespace>$}, {@code ^kube-.*},
     * {@code ^openshift(-.*)?}, {@code ^gke-.*}, {@code ^gmp-.*}, each found anywhere from the start) holds
     * {@code namespace}: as prefixes, since a namespace name has no line break for {@code .} to stop at.
     */
    static boolean ignoredByDefault(String dynaKubeNamespace, String namespace) {
        return namespace.equals(dynaKubeNamespace) || namespace.startsWith("kube-") || namespace.startsWith("openshift")
                || namespace.startsWith("gke-") || namespace.startsWith("gmp-");
    }

    /**
     * The pods of every namespace a feature of the DynaKube selects. Without any such feature (telemetry
     * ingest alone) every namespace the operator does not ignore counts: any app may send telemetry.
     */
    static List<App> of(DynaKube dk, ClusterSnapshot snapshot, String operatorNamespace) {
        Reach reach = new Reach(dk, operatorNamespace);
        List<App> apps = new ArrayList<>();
        for (String namespace : snapshot.pods().namespacesInOrder()) {
            apps.addAll(reach.appsIn(namespace, snapshot));
        }
        return apps;
    }

    /**
     * The app pods of one namespace, in the order {@link #of} lists them, the features that reach them all (empty with
     * no pods), and whether any of them runs in the host network.
     */
    record NamespaceApps(String namespace, Set<Feature> features, List<PodEndpoint> pods, boolean anyHostNetwork) {
    }

    /** The apps of each of {@code namespaces} alone, as {@link #of} lists them, in the order of the namespaces' names. */
    static List<NamespaceApps> in(DynaKube dk, ClusterSnapshot snapshot, String operatorNamespace,
            java.util.Collection<String> namespaces) {
        Reach reach = new Reach(dk, operatorNamespace);
        String[] sorted = namespaces.toArray(String[]::new);
        java.util.Arrays.sort(sorted);
        // many namespaces (a DynaKube update): what each feature selects is found once from the index of their labels
        int[] selected = sorted.length * 8 > snapshot.pods().namespacesInOrder().size()
                ? reach.selectedByPosition(snapshot.namespaceLabelIndex()) : null;
        List<NamespaceApps> apps = new ArrayList<>(sorted.length);
        for (String namespace : sorted) {
            int position = selected == null ? -1 : snapshot.pods().positionInOrder(namespace);
            Set<Feature> features = position >= 0 ? reach.featuresIn(namespace, selected[position])
                    : reach.featuresIn(namespace, snapshot.labelsOf(namespace));
            apps.add(features == null ? new NamespaceApps(namespace, Set.of(), List.of(), false)
                    : new NamespaceApps(namespace, features, snapshot.pods().labelSetsIn(namespace),
                            snapshot.pods().anyHostNetworkIn(namespace)));
        }
        return apps;
    }

    /** Whether {@link #of} finds any app. */
    static boolean any(DynaKube dk, ClusterSnapshot snapshot, String operatorNamespace) {
        Reach reach = new Reach(dk, operatorNamespace);
        for (String namespace : snapshot.pods().namespacesInOrder()) {
            if (reach.featuresIn(namespace, snapshot.labelsOf(namespace)) != null
                    && !snapshot.pods().labelSetsIn(namespace).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The features of the DynaKube that reach the apps of {@code namespace} when it has {@code labels}: null when
     * its apps are not monitored at all.
     */
    static Set<Feature> featuresIn(DynaKube dk, String operatorNamespace, String namespace, LabelSet labels) {
        return new Reach(dk, operatorNamespace).featuresIn(namespace, labels);
    }

    /**
     * The namespaces with pods in {@code snapshot} that two versions of a DynaKube reach with other features
     * ({@link #featuresIn}), in the order of their names. When only selectors changed, the namespaces each selector
     * matches are found from the snapshot's label index instead of matching each namespace.
     */
    static Set<String> reachedDifferently(DynaKube before, DynaKube after, String operatorNamespace,
            ClusterSnapshot snapshot) {
        Reach was = new Reach(before, operatorNamespace);
        Reach now = new Reach(after, operatorNamespace);
        List<String> namespaces = snapshot.pods().namespacesInOrder();
        Set<String> different = new LinkedHashSet<>();
        Selector[][] changed = was.changedSelectors(now);
        if (changed == null) {
            for (String namespace : namespaces) {
                LabelSet labels = snapshot.labelsOf(namespace);
                if (was.featureBits(namespace, labels) != now.featureBits(namespace, labels)) {
                    different.add(namespace);
                }
            }
            return different;
        }
        LabelIndex index = snapshot.namespaceLabelIndex();
        BitSet matchedDifferently = new BitSet(index.size());
        for (Selector[] pair : changed) {
            BitSet either = index.matching(pair[0]);
            either.xor(index.matching(pair[1]));
            matchedDifferently.or(either);
        }
        for (int at = matchedDifferently.nextSetBit(0); at >= 0; at = matchedDifferently.nextSetBit(at + 1)) {
            if (!was.ignoresAny(namespaces.get(at))) {
                different.add(namespaces.get(at));
            }
        }
        return different;
    }

    /** Which namespaces a DynaKube's features select. */
    private static final class Reach {
        private final String operatorNamespace;
        private final String dynaKubeNamespace;
        /** The DynaKube's own ignore list; null for the operator's default ({@link #ignoredByDefault}). */
        private final List<Pattern> ignored;
        private final Selector codeModules;
        private final Selector enrichment;
        private final Selector otlp;
        private final boolean anyFeature;

        Reach(DynaKube dk, String operatorNamespace) {
            this.operatorNamespace = operatorNamespace;
            this.dynaKubeNamespace = dk.namespace();
            this.ignored = dk.featureFlags().ignoredNamespaces();
            this.codeModules = dk.injects() ? selector(dk.injectionNamespaceSelector()) : null;
            this.enrichment = dk.metadataEnrichment() ? selector(dk.enrichmentNamespaceSelector()) : null;
            this.otlp = dk.otlpExporter() ? selector(dk.otlpNamespaceSelector()) : null;
            this.anyFeature = codeModules != null || enrichment != null || otlp != null;
        }

        List<App> appsIn(String namespace, ClusterSnapshot snapshot) {
            Set<Feature> features = featuresIn(namespace, snapshot.labelsOf(namespace));
            if (features == null) {
                return List.of();
            }
            List<App> apps = new ArrayList<>();
            for (PodEndpoint pod : snapshot.pods().labelSetsIn(namespace)) {
                apps.add(new App(pod, features));
            }
            return apps;
        }

        /**
         * When this and {@code other} differ only in the selectors of features both have (same ignore list, same
         * namespace, the same features on), the selectors that differ, as pairs (this one's, other's): a namespace is
         * then reached differently exactly when one pair matches its labels differently and neither ignores it. Null
         * when they differ in more.
         */
        Selector[][] changedSelectors(Reach other) {
            Selector[] mine = {codeModules, enrichment, otlp};
            Selector[] theirs = {other.codeModules, other.enrichment, other.otlp};
            if (!sameIgnoreList(ignored, other.ignored) || !dynaKubeNamespace.equals(other.dynaKubeNamespace)
                    || !operatorNamespace.equals(other.operatorNamespace)) {
                return null;
            }
            List<Selector[]> changed = new ArrayList<>();
            for (int f = 0; f < mine.length; f++) {
                if ((mine[f] == null) != (theirs[f] == null)) {
                    return null;
                }
                if (mine[f] != null && !mine[f].equals(theirs[f])) {
                    changed.add(new Selector[] {mine[f], theirs[f]});
                }
            }
            return changed.toArray(Selector[][]::new);
        }

        private static boolean sameIgnoreList(List<Pattern> a, List<Pattern> b) {
            return a == null || b == null ? a == b
                    : a.stream().map(Pattern::pattern).toList().equals(b.stream().map(Pattern::pattern).toList());
        }

        /** Whether the DynaKube never reaches {@code namespace}, whatever its labels. */
        boolean ignoresAny(String namespace) {
            return namespace.equals(operatorNamespace) || ignores(namespace);
        }

        private boolean ignores(String namespace) {
            return ignored == null ? ignoredByDefault(dynaKubeNamespace, namespace)
                    : ignored.stream().anyMatch(p -> FeatureFlags.find(p, namespace));
        }

        Set<Feature> featuresIn(String namespace, LabelSet labels) {
            int bits = featureBits(namespace, labels);
            return bits < 0 ? null : FEATURE_SETS.get(bits);
        }

        /** {@link #featuresIn} for the namespace at a position of {@link #selectedByPosition}'s index. */
        Set<Feature> featuresIn(String namespace, int selected) {
            int bits = ignoresAny(namespace) ? -1 : reached(selected);
            return bits < 0 ? null : FEATURE_SETS.get(bits);
        }

        /** {@link #featuresIn} as bits by {@link Feature#ordinal()}, -1 for null. */
        int featureBits(String namespace, LabelSet labels) {
            if (ignoresAny(namespace)) {
                return -1;
            }
            int bits = 0;
            if (codeModules != null && codeModules.matches(labels)) {
                bits |= 1 << Feature.CODE_MODULES.ordinal();
            }
            if (enrichment != null && enrichment.matches(labels)) {
                bits |= 1 << Feature.ENRICHMENT.ordinal();
            }
            if (otlp != null && otlp.matches(labels)) {
                bits |= 1 << Feature.OTLP.ordinal();
            }
            return reached(bits);
        }

        /** The bits of the features whose selectors match each position of {@code index}, ignore list aside. */
        int[] selectedByPosition(LabelIndex index) {
            int[] selected = new int[index.size()];
            Selector[] selectors = {codeModules, enrichment, otlp};
            for (Feature feature : Feature.values()) {
                Selector selector = selectors[feature.ordinal()];
                if (selector != null) {
                    BitSet matching = index.matching(selector);
                    for (int at = matching.nextSetBit(0); at >= 0; at = matching.nextSetBit(at + 1)) {
                        selected[at] |= 1 << feature.ordinal();
                    }
                }
            }
            return selected;
        }

        /** Selected {@code bits} as {@link #featureBits} gives them: -1 when not reached. */
        private int reached(int bits) {
            // without any namespace-selecting feature (telemetry ingest alone) every app may send telemetry
            return bits != 0 || !anyFeature ? bits : -1;
        }
    }

    /**
     * The ports an app needs for {@code monitored-apps->activegate} ({@code app-ports}): the ActiveGate's
     * HTTPS port for code modules when it routes and for OTLP export, its HTTP port (Service port 80) for
     * metrics ingest from enriched pods (bootstrapperconfig/endpoints.go ingestURLFor).
     */
    static List<RequiredFlows.PortSpec> activeGatePorts(DynaKube dk, Set<Feature> features) {
        List<RequiredFlows.PortSpec> ports = new ArrayList<>();
        if (features.contains(Feature.CODE_MODULES) && dk.hasCapability("routing")
                || features.contains(Feature.OTLP) && dk.hasActiveGate()) {
            ports.add(new RequiredFlows.PortSpec(Protocol.TCP, 9999));
        }
        if (features.contains(Feature.ENRICHMENT) && dk.hasCapability("metrics-ingest")) {
            ports.add(new RequiredFlows.PortSpec(Protocol.TCP, 9998));
        }
        return ports;
    }

    /**
     * Whether an app talks to the tenant itself ({@code monitored-apps->dynatrace-api}): code modules
     * without a routing ActiveGate, the init container's agent download without CSI driver or
     * codeModulesImage, OTLP export without an ActiveGate, metrics ingest of enriched pods without a
     * metrics-ingest ActiveGate (bootstrapperconfig/endpoints.go ingestURLFor).
     */
    static boolean needsTenant(DynaKube dk, Set<Feature> features, boolean csiUsed) {
        boolean codeModules = features.contains(Feature.CODE_MODULES)
                && (!dk.hasCapability("routing") || !csiUsed && dk.codeModulesImage() == null);
        boolean otlp = features.contains(Feature.OTLP) && !dk.hasActiveGate();
        boolean metrics = features.contains(Feature.ENRICHMENT) && !dk.hasCapability("metrics-ingest");
        return codeModules || otlp || metrics;
    }

    /**
     * Whether two versions of a DynaKube give every app the same ports ({@link #activeGatePorts}, {@link #needsTenant})
     * whatever features reach it.
     */
    static boolean sameAppPorts(DynaKube before, DynaKube after, boolean csiUsed) {
        for (Set<Feature> features : FEATURE_SETS) {
            if (!activeGatePorts(before, features).equals(activeGatePorts(after, features))
                    || needsTenant(before, features, csiUsed) != needsTenant(after, features, csiUsed)) {
                return false;
            }
        }
        return true;
    }

    private static Selector selector(LabelSelector selector) {
        return selector == null ? Selector.EVERYTHING : Selector.compile(selector);
    }
}
