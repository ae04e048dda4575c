package io.netpolguard.dynatrace;

import java.util.List;

/** What an EdgeConnect (v1alpha1 or v1alpha2) says about network needs. */
public record EdgeConnect(String namespace, String name, String apiVersion, HostPort apiServer, HostPort oauthEndpoint,
        boolean kubernetesAutomation, ProxySetting proxy, List<String> problems) {

    public String id() {
        return namespace + "/" + name;
    }
}
