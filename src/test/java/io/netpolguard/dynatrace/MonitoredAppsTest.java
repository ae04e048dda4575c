package io.netpolguard.dynatrace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MonitoredAppsTest {
    /** The operator's default ignore list (pkg/api/exp/injection.go getDefaultIgnoredNamespaces), matched with find(). */
    private static List<Pattern> operatorDefault(String dynaKubeNamespace) {
        return List.of(Pattern.compile("^" + Pattern.quote(dynaKubeNamespace) + "$"), Pattern.compile("^kube-.*"),
                Pattern.compile("^openshift(-.*)?"), Pattern.compile("^gke-.*"), Pattern.compile("^gmp-.*"));
    }

    @Test
    void theDefaultIgnoreListIgnoresWhatTheOperatorsPatternsFind() {
        List<String> names = List.of("dynatrace", "dynatrace-x", "my-dynatrace", "kube-system", "kube-", "kube", "kubeflow",
                "x-kube-system", "openshift", "openshift-ingress", "openshiftlike", "my-openshift", "gke-managed", "gke",
                "gkefoo", "gmp-system", "gmp", "default", "shop", "a.b");
        for (String name : names) {
            boolean byPatterns = operatorDefault("dynatrace").stream().anyMatch(p -> p.matcher(name).find());
            assertThat(MonitoredApps.ignoredByDefault("dynatrace", name)).as(name).isEqualTo(byPatterns);
        }
        assertThat(MonitoredApps.ignoredByDefault("dynatrace", "openshiftlike")).isTrue();
        assertThat(MonitoredApps.ignoredByDefault("dynatrace", "kubeflow")).isFalse();
    }
}
