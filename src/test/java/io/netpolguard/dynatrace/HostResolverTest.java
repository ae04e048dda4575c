package io.netpolguard.dynatrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Host names to addresses: literals, given addresses, then DNS ("localhost" resolves without a network). */
class HostResolverTest {

    @Test
    void literalsAndGivenAddressesNeverAskDns() throws Exception {
        HostResolver resolver = HostResolver.offline(Map.of("abc12345.live.dynatrace.com",
                List.of(InetAddress.getByName("203.0.113.10"))));

        assertThat(resolver.resolve("10.1.2.3")).containsExactly(InetAddress.getByName("10.1.2.3"));
        assertThat(resolver.resolve("ABC12345.live.dynatrace.com")).containsExactly(InetAddress.getByName("203.0.113.10"));
        assertThat(resolver.resolve("localhost")).as("DNS is off").isEmpty();
    }

    @Test
    void aCommandWaitsForTheFirstAnswer() {
        HostResolver resolver = new HostResolver(Map.of(), true, Duration.ofSeconds(2), true);

        assertThat(resolver.resolve("localhost")).isNotEmpty().allMatch(InetAddress::isLoopbackAddress);
    }

    @Test
    void theWebhookNeverWaitsAndLearnsTheAnswerInTheBackground() throws Exception {
        HostResolver resolver = new HostResolver(Map.of(), true, Duration.ofSeconds(2), false);
        long before = resolver.generation();

        assertThat(resolver.resolve("localhost")).as("first lookup: unresolved for now").isEmpty();

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (resolver.resolve("localhost").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(resolver.resolve("localhost")).isNotEmpty().allMatch(InetAddress::isLoopbackAddress);
        assertThat(resolver.generation()).as("a changed answer bumps the generation").isGreaterThan(before);
    }

    @Test
    void hostMappingsAreParsedWithClearErrors() {
        assertThat(HostResolver.parseHostMapping("Tenant.example.com=203.0.113.10,2001:db8::1").getValue()).hasSize(2);
        assertThatThrownBy(() -> HostResolver.parseHostMapping("tenant.example.com"))
                .hasMessageContaining("is not NAME=IP");
        assertThatThrownBy(() -> HostResolver.parseHostMapping("t.example.com=nope"))
                .hasMessageContaining("'nope' is not an IP address");
    }

    /** Host names come from requests (a DynaKube's apiUrl, proxy, registry): they cannot grow the cache without bound. */
    @Test
    void theCacheOfHostNamesIsBounded() throws InterruptedException {
        HostResolver resolver = new HostResolver(Map.of(), true, Duration.ofMillis(200), false, 10);
        for (int i = 0; i < 200; i++) {
            assertThat(resolver.resolve("tenant-" + i + ".invalid")).as("never waits").isEmpty();
        }
        // the lookups started in the background add their answers when they end: the bound holds once they have
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (resolver.cachedHosts() > 10 && System.nanoTime() < deadline) {
            Thread.sleep(5); // a poll, not a wait for time: the condition decides
        }
        assertThat(resolver.cachedHosts()).isLessThanOrEqualTo(10);
    }
}
