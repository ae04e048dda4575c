package io.netpolguard.cli;

import io.netpolguard.config.GuardFactory;
import io.netpolguard.dynatrace.HostResolver;
import io.netpolguard.guard.Guard;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --host} and {@code --no-dns}: how host names (tenant, proxy, registry) get their addresses. */
public class GuardOptions {

    @Option(names = "--host", paramLabel = "NAME=IP[,IP]",
            description = "Address of a host name (tenant, proxy, registry, EdgeConnect host). Repeatable.")
    List<String> hosts = List.of();

    @Option(names = "--no-dns", description = "Do not look up host names in DNS; hosts without --host stay unresolved.")
    boolean noDns;

    public Guard guard(GuardFactory factory) {
        Map<String, List<InetAddress>> given = new HashMap<>();
        for (String mapping : hosts) {
            var entry = HostResolver.parseHostMapping(mapping);
            given.put(entry.getKey(), entry.getValue());
        }
        return factory.guard(given, !noDns);
    }
}
