package io.netpolguard.dynatrace;

import java.util.List;

/**
 * What an EdgeConnect (v1alpha1 or v1alpha2) says about network needs.
 *
 * @param provisioner {@code oauth.provisioner}: the operator itself manages the EdgeConnect through the
 *     SSO endpoint and {@code apiServer} (pkg/controllers/edgeconnect/controller.go)
 * @param customImage {@code imageRef.repository} is set: the operator does not check the default image for updates
 */
public record EdgeConnect(String namespace, String name, String apiVersion, HostPort apiServer, HostPort oauthEndpoint,
        boolean kubernetesAutomation, boolean provisioner, boolean customImage, ProxySetting proxy,
        List<String> problems) {

    public String id() {
        return namespace + "/" + name;
    }
}
