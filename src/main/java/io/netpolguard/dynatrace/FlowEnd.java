package io.netpolguard.dynatrace;

import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.PodEndpoint;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * One concrete end of a required flow: the endpoint the engine judges, the component or peer it
 * stands for, and the selector labels a fix would use (empty for addresses).
 */
public record FlowEnd(String role, Endpoint endpoint, Map<String, String> selector) {

    public FlowEnd {
        selector = selector instanceof PodLabels ? selector : Map.copyOf(selector);
    }

    /**
     * The end of a pod selected by its own labels. They are read when the selector is: a DynaKube change makes such an
     * end for each of thousands of apps whose labels its judgement may never need to look at.
     */
    static FlowEnd ofPod(String role, PodEndpoint pod) {
        return new FlowEnd(role, pod, new PodLabels(pod));
    }

    /** A pod's labels, as an unmodifiable map read through. */
    private static final class PodLabels extends AbstractMap<String, String> {
        private final PodEndpoint pod;

        PodLabels(PodEndpoint pod) {
            this.pod = pod;
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return pod.labels().asMap().entrySet();
        }

        @Override
        public String get(Object key) {
            return pod.labels().asMap().get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return pod.labels().asMap().containsKey(key);
        }

        @Override
        public int size() {
            return pod.labels().asMap().size();
        }
    }
}
