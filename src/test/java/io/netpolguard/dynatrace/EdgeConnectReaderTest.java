package io.netpolguard.dynatrace;

import static io.netpolguard.dynatrace.Resources.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** EdgeConnect v1alpha1 and v1alpha2: apiServer, oauth.endpoint, kubernetesAutomation, proxy. */
class EdgeConnectReaderTest {

    private static EdgeConnect read(String version, String spec) {
        return EdgeConnectReader.read(resource("""
                apiVersion: dynatrace.com/%s
                kind: EdgeConnect
                metadata: {name: ec, namespace: dynatrace}
                spec:
                %s""".formatted(version, spec.indent(2))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1alpha1", "v1alpha2"})
    void readsTheHostsAndKubernetesAutomation(String version) {
        EdgeConnect ec = read(version, """
                apiServer: abc12345.apps.dynatrace.com
                oauth:
                  endpoint: https://sso.dynatrace.com/sso/oauth2/token
                  clientSecret: ec-oauth
                  resource: urn:dtenvironment:abc12345
                  provisioner: true
                kubernetesAutomation: {enabled: true}
                """);
        assertThat(ec.id()).isEqualTo("dynatrace/ec");
        assertThat(ec.apiVersion()).isEqualTo("dynatrace.com/" + version);
        assertThat(ec.apiServer()).isEqualTo(new HostPort("abc12345.apps.dynatrace.com", 443));
        assertThat(ec.oauthEndpoint()).isEqualTo(new HostPort("sso.dynatrace.com", 443));
        assertThat(ec.kubernetesAutomation()).isTrue();
        assertThat(ec.proxy()).isNull();
        assertThat(ec.problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1alpha1", "v1alpha2"})
    void readsTheProxyHostAndPort(String version) {
        EdgeConnect ec = read(version, """
                apiServer: abc12345.apps.dynatrace.com
                oauth: {endpoint: https://sso.dynatrace.com/sso/oauth2/token}
                proxy: {host: proxy.corp.example, port: 3128, noProxy: .cluster.local}
                """);
        assertThat(ec.proxy()).isEqualTo(new ProxySetting("http://proxy.corp.example:3128", null,
                new NoProxy(List.of(".cluster.local"))));
        assertThat(ec.kubernetesAutomation()).isFalse();
    }

    @Test
    void anApiServerWithAPortKeepsIt() {
        EdgeConnect ec = read("v1alpha2", """
                apiServer: abc12345.apps.dynatrace.com:8443
                oauth: {endpoint: https://sso.example.com:9443/token}
                """);
        assertThat(ec.apiServer()).isEqualTo(new HostPort("abc12345.apps.dynatrace.com", 8443));
        assertThat(ec.oauthEndpoint()).isEqualTo(new HostPort("sso.example.com", 9443));
    }

    @Test
    void missingOrMalformedHostsAreProblemsNotCrashes() {
        EdgeConnect ec = read("v1alpha2", """
                oauth: {endpoint: sso.dynatrace.com/sso/oauth2/token}
                """);
        assertThat(ec.apiServer()).isNull();
        assertThat(ec.oauthEndpoint()).isNull();
        assertThat(ec.problems()).containsExactly("spec.apiServer is empty",
                "spec.oauth.endpoint 'sso.dynatrace.com/sso/oauth2/token' is not an http(s) URL with a host");
    }
}
