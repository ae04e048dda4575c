package io.netpolguard.dynatrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @ParameterizedTest
    @CsvSource({
        "https://abc12345.live.dynatrace.com/api, abc12345.live.dynatrace.com, 443",
        "HTTPS://abc12345.live.dynatrace.com, abc12345.live.dynatrace.com, 443",
        "http://proxy.corp.example, proxy.corp.example, 80",
        "http://proxy.corp.example:3128, proxy.corp.example, 3128",
        "https://managed.example.com:9999/e/abc/api, managed.example.com, 9999",
        "'  https://t.example.com/api  ', t.example.com, 443",
        "https://[2001:db8::10]:8443/api, 2001:db8::10, 8443",
        "https://203.0.113.10/api, 203.0.113.10, 443",
    })
    void urls(String url, String host, int port) {
        assertThat(HostPort.fromUrl(url, "spec.apiUrl")).isEqualTo(new HostPort(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc12345.live.dynatrace.com/api", "ftp://t.example.com", "https://", "https:///api",
        "not a url", ""})
    void badUrlsNameTheField(String url) {
        assertThatThrownBy(() -> HostPort.fromUrl(url, "spec.apiUrl")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spec.apiUrl");
    }

    @Test
    void aNullUrlIsEmpty() {
        assertThatThrownBy(() -> HostPort.fromUrl(null, "spec.apiUrl")).hasMessage("spec.apiUrl is empty");
    }

    @ParameterizedTest
    @CsvSource({
        "abc12345.apps.dynatrace.com, abc12345.apps.dynatrace.com, 443",
        "abc12345.apps.dynatrace.com:8443, abc12345.apps.dynatrace.com, 8443",
        "abc12345.apps.dynatrace.com/some/path, abc12345.apps.dynatrace.com, 443",
        "https://abc12345.apps.dynatrace.com:9443/x, abc12345.apps.dynatrace.com, 9443",
        "[fd00::1], fd00::1, 443",
        "[fd00::1]:5000, fd00::1, 5000",
        "fd00::1, fd00::1, 443",
    })
    void hosts(String text, String host, int port) {
        assertThat(HostPort.fromHost(text, 443, "spec.apiServer")).isEqualTo(new HostPort(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"host:https", "host:0", "host:70000", "[fd00::1]x", " "})
    void badHostsNameTheField(String text) {
        assertThatThrownBy(() -> HostPort.fromHost(text, 443, "spec.apiServer"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("spec.apiServer");
    }

    @ParameterizedTest
    @CsvSource({
        "registry.example.com/dynatrace/codemodules:1.321.0, registry.example.com, 443",
        "quay.io/dynatrace/codemodules@sha256:abcd, quay.io, 443",
        "registry.example.com:5000/dt/codemodules:1, registry.example.com, 5000",
        "localhost/codemodules:1, localhost, 443",
        "localhost:5000/codemodules:1, localhost, 5000",
        "[fd00::1]:5000/codemodules:1, fd00::1, 5000",
        "dynatrace/codemodules:1.321.0, index.docker.io, 443",
        "codemodules:1.321.0, index.docker.io, 443",
    })
    void registries(String image, String host, int port) {
        assertThat(HostPort.registryOf(image)).isEqualTo(new HostPort(host, port));
    }

    @Test
    void printsIpv6InBrackets() {
        assertThat(new HostPort("fd00::1", 5000)).hasToString("[fd00::1]:5000");
        assertThat(new HostPort("t.example.com", 443)).hasToString("t.example.com:443");
    }
}
