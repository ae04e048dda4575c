package io.netpolguard.cluster;

import com.fasterxml.jackson.annotation.JsonIncludeProperties;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * How {@link SnapshotBuilder} turns manifests into fabric8 objects: as {@link Manifests#JSON} does, but Pods,
 * workloads and Nodes get only the fields a snapshot is made of (names, labels, host network, container ports,
 * addresses, the pod template) and no object gets its managed fields or owner references. Jackson then never
 * builds deserializers for the rest of those models (volumes, probes, affinity, node status, ...), which loaded
 * hundreds of classes and was the largest part of a command's start-up. The fields left out are ignored, not
 * checked.
 */
final class ManifestFields {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addMixIn(ObjectMeta.class, ObjectMetaFields.class)
            .addMixIn(PodSpec.class, PodSpecFields.class)
            .addMixIn(Container.class, ContainerFields.class)
            .addMixIn(PodStatus.class, PodStatusFields.class)
            .addMixIn(DeploymentSpec.class, TemplateOnly.class)
            .addMixIn(StatefulSetSpec.class, TemplateOnly.class)
            .addMixIn(DaemonSetSpec.class, TemplateOnly.class)
            .addMixIn(ReplicaSetSpec.class, TemplateOnly.class)
            .addMixIn(JobSpec.class, TemplateOnly.class)
            .addMixIn(CronJobSpec.class, JobTemplateOnly.class)
            .addMixIn(Node.class, NodeFields.class)
            .addMixIn(NodeStatus.class, NodeStatusFields.class)
            .build();

    private ManifestFields() {
    }

    @JsonIgnoreProperties({"managedFields", "ownerReferences"})
    private interface ObjectMetaFields {
    }

    @JsonIncludeProperties({"containers", "hostNetwork"})
    private interface PodSpecFields {
    }

    @JsonIncludeProperties({"name", "ports"})
    private interface ContainerFields {
    }

    @JsonIncludeProperties({"podIP", "podIPs", "hostIP"})
    private interface PodStatusFields {
    }

    @JsonIncludeProperties("template")
    private interface TemplateOnly {
    }

    @JsonIncludeProperties("jobTemplate")
    private interface JobTemplateOnly {
    }

    @JsonIncludeProperties({"apiVersion", "kind", "metadata", "status"})
    private interface NodeFields {
    }

    @JsonIncludeProperties("addresses")
    private interface NodeStatusFields {
    }
}
