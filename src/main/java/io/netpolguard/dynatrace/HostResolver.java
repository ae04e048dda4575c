package io.netpolguard.dynatrace;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netpolguard.netpol.IpAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
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
 * changes, so cached results that used the old answer can be thrown away. For the webhook neither the cache nor
 * the lookups can grow without bound, whatever host names requests bring: at most {@value #MAX_HOSTS} names
 * are kept (each for an hour after its last use), and lookups run on at most {@value #DNS_THREADS} threads
 * with {@value #DNS_QUEUE} waiting; a lookup that does not fit is "unresolved" until asked again.
 */
public final class HostResolver {
    private final Map<String, List<InetAddress>> configured;
    private final boolean dnsEnabled;
    private final Duration timeout;
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final Duration NEGATIVE_TTL = Duration.ofSeconds(30);
    static final int MAX_HOSTS = 1000;
    static final int DNS_THREADS = 4;
    static final int DNS_QUEUE = 64;
    private final ExecutorService dns = dnsExecutor();
    private final Cache<String, Cached> entries;
    private final ConcurrentMap<String, Cached> cache;
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
        this(configured, dnsEnabled, timeout, wait, MAX_HOSTS);
    }

    HostResolver(Map<String, List<InetAddress>> configured, boolean dnsEnabled, Duration timeout, boolean wait,
            int maxHosts) {
        // A command looks up only the hosts of its input, once; without Caffeine it starts faster (its logger
        // makes the JDK scan every jar of the class path for a logger finder).
        this.entries = wait ? null : Caffeine.newBuilder().maximumSize(maxHosts).expireAfterAccess(Duration.ofHours(1)).build();
        this.cache = wait ? new ConcurrentHashMap<>() : entries.asMap();
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
                refreshInBackground(key, pending);
            }
        } else if (cached.stale() && cached.refreshing().compareAndSet(false, true)) {
            refreshInBackground(key, cached);
        }
        return cached.addresses();
    }

    /** Lookups on a few daemon threads of their own, with a short queue; idle threads end. */
    private static ExecutorService dnsExecutor() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(DNS_THREADS, DNS_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(DNS_QUEUE), runnable -> {
                    Thread thread = new Thread(runnable, "dns-lookup");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** How many host names are cached (tests). */
    long cachedHosts() {
        if (entries == null) {
            return cache.size();
        }
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private void refreshInBackground(String key, Cached current) {
        try {
            dns.execute(() -> store(key, new Cached(lookupHere(key), Instant.now(), new AtomicBoolean())));
        } catch (RejectedExecutionException e) {
            if (current.addresses().isEmpty() && current.fetched().equals(Instant.EPOCH)) {
                cache.remove(key, current); // too many lookups at once: ask again next time
            } else {
                current.refreshing().set(false);
            }
        }
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

    /** Waits at most the timeout for a lookup on the DNS threads. */
    private List<InetAddress> lookup(String host) {
        try {
            return CompletableFuture.supplyAsync(() -> lookupHere(host), dns).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return List.of();
        }
    }

    private static List<InetAddress> lookupHere(String host) {
        try {
            return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            return List.of();
        }
    }
}
