package io.netpolguard.dynatrace;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.netpolguard.cluster.Manifests;
import java.util.ArrayList;
import java.util.List;

/** Reads EdgeConnect v1alpha1 and v1alpha2: apiServer, oauth.endpoint, kubernetesAutomation, proxy. */
public final class EdgeConnectReader {

    private EdgeConnectReader() {
    }

    public static EdgeConnect read(HasMetadata resource) {
        JsonNode node = Manifests.JSON.valueToTree(resource);
        JsonNode spec = node.path("spec");
        List<String> problems = new ArrayList<>();
        HostPort apiServer = null;
        try {
            apiServer = HostPort.fromHost(DynaKubeReader.text(spec, "apiServer"), 443, "spec.apiServer");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        HostPort oauth = null;
        try {
            oauth = HostPort.fromUrl(DynaKubeReader.text(spec.path("oauth"), "endpoint"), "spec.oauth.endpoint");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        JsonNode proxy = spec.path("proxy");
        ProxySetting proxySetting = null;
        if (proxy.isObject()) {
            String host = DynaKubeReader.blankToNull(DynaKubeReader.text(proxy, "host"));
            if (host != null) {
                int port = proxy.path("port").asInt(0);
                proxySetting = new ProxySetting("http://" + host + (port > 0 ? ":" + port : ""), null,
                        NoProxy.parse(DynaKubeReader.text(proxy, "noProxy")));
            } else if (DynaKubeReader.blankToNull(DynaKubeReader.text(proxy, "authRef")) != null) {
                proxySetting = null;
            }
        }
        String namespace = resource.getMetadata().getNamespace() == null ? "default" : resource.getMetadata().getNamespace();
        return new EdgeConnect(namespace, resource.getMetadata().getName(), node.path("apiVersion").asText(""), apiServer,
                oauth, spec.path("kubernetesAutomation").path("enabled").asBoolean(false),
                spec.path("oauth").path("provisioner").asBoolean(false),
                DynaKubeReader.blankToNull(DynaKubeReader.text(spec.path("imageRef"), "repository")) != null, proxySetting,
                List.copyOf(problems));
    }
}
