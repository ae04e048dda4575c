package io.netpolguard.cluster;

import com.fasterxml.jackson.annotation.JsonIncludeProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * Reads Pods and workloads into fabric8 objects with only the fields a {@link io.netpolguard.netpol.PodEndpoint}
 * is made of (names, labels, host network, container ports, addresses, the pod template). Jackson then never
 * builds deserializers for the rest of the pod model (volumes, probes, affinity, security contexts, ...), which
 * loaded about 300 classes and was the largest part of a command's start-up. Other fields are ignored, not checked.
 */
final class PodFields {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addMixIn(PodSpec.class, PodSpecFields.class)
            .addMixIn(Container.class, ContainerFields.class)
            .addMixIn(PodStatus.class, PodStatusFields.class)
            .addMixIn(DeploymentSpec.class, TemplateOnly.class)
            .addMixIn(StatefulSetSpec.class, TemplateOnly.class)
            .addMixIn(DaemonSetSpec.class, TemplateOnly.class)
            .addMixIn(ReplicaSetSpec.class, TemplateOnly.class)
            .addMixIn(JobSpec.class, TemplateOnly.class)
            .addMixIn(CronJobSpec.class, JobTemplateOnly.class)
            .build();

    private PodFields() {
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
}
