package io.netpolguard.connectivity;

import io.netpolguard.cluster.Owner;
import io.netpolguard.cluster.PodIndex;
import io.netpolguard.netpol.PodEndpoint;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workload a pod (or a workload's pod template) belongs to, as a person would name it: a ReplicaSet's pods are its
 * Deployment's, a Job's are its CronJob's. From {@code ownerReferences} when the manifests have them; else from the
 * labels and names the controllers give pods ({@code pod-template-hash}, {@code statefulset.kubernetes.io/pod-name},
 * {@code controller-revision-hash} with {@code pod-template-generation}, {@code job-name}); else the Pod itself.
 */
final class WorkloadNames {
    private static final Pattern STATEFUL_POD = Pattern.compile("(.+)-\\d+");
    private static final Pattern DAEMON_POD = Pattern.compile("(.+)-[a-z0-9]{5}");

    private final PodIndex pods;

    WorkloadNames(PodIndex pods) {
        this.pods = pods;
    }

    Workload of(PodEndpoint endpoint) {
        String namespace = endpoint.namespace();
        if (!endpoint.isPod()) {
            return controller(namespace, endpoint.kind(), endpoint.name(), endpoint);
        }
        Optional<Owner> owner = pods.ownerOf(namespace, "Pod", endpoint.name());
        if (owner.isPresent()) {
            return "Node".equals(owner.get().kind()) ? bare(endpoint)
                    : controller(namespace, owner.get().kind(), owner.get().name(), endpoint);
        }
        return fromLabels(endpoint);
    }

    private static Workload bare(PodEndpoint pod) {
        return new Workload(pod.namespace(), "Pod", pod.name());
    }

    /** A controller, followed up to the Deployment of a ReplicaSet and the CronJob of a Job. */
    private Workload controller(String namespace, String kind, String name, PodEndpoint pod) {
        Optional<Owner> owner = pods.ownerOf(namespace, kind, name);
        if (owner.isPresent() && ("ReplicaSet".equals(kind) || "Job".equals(kind))) {
            return new Workload(namespace, owner.get().kind(), owner.get().name());
        }
        String hash = pod.labels().get("pod-template-hash");
        if ("ReplicaSet".equals(kind) && hash != null && !hash.isEmpty() && name.endsWith("-" + hash)) {
            return new Workload(namespace, "Deployment", name.substring(0, name.length() - hash.length() - 1));
        }
        return new Workload(namespace, kind, name);
    }

    private Workload fromLabels(PodEndpoint pod) {
        String namespace = pod.namespace();
        String name = pod.name();
        String hash = pod.labels().get("pod-template-hash");
        if (hash != null && !hash.isEmpty()) {
            int at = name.lastIndexOf("-" + hash + "-");
            if (at > 0) {
                return new Workload(namespace, "Deployment", name.substring(0, at));
            }
        }
        Matcher stateful = STATEFUL_POD.matcher(name);
        if (name.equals(pod.labels().get("statefulset.kubernetes.io/pod-name")) && stateful.matches()) {
            return new Workload(namespace, "StatefulSet", stateful.group(1));
        }
        Matcher daemon = DAEMON_POD.matcher(name);
        if (pod.labels().containsKey("controller-revision-hash") && pod.labels().containsKey("pod-template-generation")
                && daemon.matches()) {
            return new Workload(namespace, "DaemonSet", daemon.group(1));
        }
        String job = pod.labels().get("batch.kubernetes.io/job-name");
        job = job != null ? job : pod.labels().get("job-name");
        if (job != null && !job.isEmpty()) {
            return controller(namespace, "Job", job, pod);
        }
        return bare(pod);
    }
}
