package io.netpolguard.dynatrace;

import io.netpolguard.netpol.IpAddresses;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns host names (tenant, proxy, registry, EdgeConnect hosts) into addresses: IP literals as
 * they are, then addresses given in configuration or with {@code --host}, then DNS with a short
 * timeout. A host that cannot be resolved has no addresses, never an error. DNS answers are kept
 * for five minutes (thirty seconds when nothing was found); a stale answer is served while it is
 * refreshed in the background. A resolver that does not wait (the webhook) answers "unresolved"
 * for a host it has never looked up and resolves it in the background; {@link #generation()} then
 * changes, so cached results that used the old answer can be thrown away.
 */
public final class HostResolver {
    private final Map<String, List<InetAddress>> configured;
    private final boolean dnsEnabled;
    private final Duration timeout;
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final Duration NEGATIVE_TTL = Duration.ofSeconds(30);
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final boolean wait;
    private final AtomicLong generation = new AtomicLong();

    private record Cached(List<InetAddress> addresses, Instant fetched, AtomicBoolean refreshing) {
        boolean stale() {
            Duration ttl = addresses.isEmpty() ? NEGATIVE_TTL : TTL;
            return fetched.plus(ttl).isBefore(Instant.now());
        }
    }

    /** @param wait whether the first lookup of a host waits for DNS (commands) or not (the webhook) */
    public HostResolver(Map<String, List<InetAddress>> configured, boolean dnsEnabled, Duration timeout, boolean wait) {
        this.configured = Map.copyOf(configured);
        this.dnsEnabled = dnsEnabled;
        this.timeout = timeout;
        this.wait = wait;
    }

    /** A resolver that knows only the given addresses and never asks DNS (tests, offline checks). */
    public static HostResolver offline(Map<String, List<InetAddress>> configured) {
        return new HostResolver(configured, false, Duration.ZERO, true);
    }

    /** Changes whenever a DNS answer changes. */
    public long generation() {
        return generation.get();
    }

    /** Parses {@code NAME=IP[,IP...]} as given to {@code --host}. */
    public static Map.Entry<String, List<InetAddress>> parseHostMapping(String mapping) {
        int equals = mapping.indexOf('=');
        if (equals <= 0 || equals == mapping.length() - 1) {
            throw new IllegalArgumentException("--host '" + mapping + "' is not NAME=IP");
        }
        String name = mapping.substring(0, equals).trim().toLowerCase();
        List<InetAddress> addresses = Arrays.stream(mapping.substring(equals + 1).split(",")).map(String::trim)
                .map(ip -> IpAddresses.parse(ip).orElseThrow(() -> new IllegalArgumentException(
                        "--host '" + mapping + "': '" + ip + "' is not an IP address")))
                .toList();
        return Map.entry(name, addresses);
    }

    public List<InetAddress> resolve(String host) {
        var literal = IpAddresses.parse(host);
        if (literal.isPresent()) {
            return List.of(literal.get());
        }
        String key = host.toLowerCase();
        List<InetAddress> given = configured.get(key);
        if (given != null) {
            return given;
        }
        if (!dnsEnabled) {
            return List.of();
        }
        Cached cached = cache.get(key);
        if (cached == null && wait) {
            cached = cache.computeIfAbsent(key, this::fetch);
        } else if (cached == null) {
            Cached pending = new Cached(List.of(), Instant.EPOCH, new AtomicBoolean(true));
            cached = cache.putIfAbsent(key, pending);
            if (cached == null) {
                cached = pending;
                CompletableFuture.runAsync(() -> store(key, fetch(key)));
            }
        } else if (cached.stale() && cached.refreshing().compareAndSet(false, true)) {
            CompletableFuture.runAsync(() -> store(key, fetch(key)));
        }
        return cached.addresses();
    }

    private void store(String key, Cached fresh) {
        Cached previous = cache.put(key, fresh);
        if (previous == null || !previous.addresses().equals(fresh.addresses())) {
            generation.incrementAndGet();
        }
    }

    private Cached fetch(String host) {
        return new Cached(lookup(host), Instant.now(), new AtomicBoolean());
    }

    private List<InetAddress> lookup(String host) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return List.of(InetAddress.getAllByName(host));
                } catch (java.net.UnknownHostException e) {
                    return List.<InetAddress>of();
                }
            }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return List.of();
        }
    }
}
