package io.netpolguard.netpol;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * An IPv4 or IPv6 network. A CIDR written with host bits set ("10.0.0.1/8") means its masked
 * network, as the API server's validation and common CNIs treat it.
 */
public final class Cidr {
    private final byte[] network;
    private final int prefixLength;
    /** Null for a single address until asked for: formatting addresses costs more than judging them. */
    private String text;

    private Cidr(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    public byte[] network() {
        return network;
    }

    public int prefixLength() {
        return prefixLength;
    }

    public String text() {
        String formatted = text;
        if (formatted == null) {
            formatted = address().getHostAddress();
            text = formatted;
        }
        return formatted;
    }

    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty CIDR");
        }
        String value = text.trim();
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR (expected address/prefix, e.g. 10.0.0.0/8)");
        }
        String addressText = value.substring(0, slash);
        String prefixText = value.substring(slash + 1);
        byte[] address = IpAddresses.parse(addressText).filter(a -> !addressText.startsWith("["))
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' does not start with an IP address"))
                .getAddress();
        if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' has a prefix length that is not a number");
        }
        int prefix = Integer.parseInt(prefixText);
        if (addressText.contains(":") && address.length == 4) {
            // IPv4-mapped IPv6 (::ffff:10.0.0.0/104), which Java parses as IPv4: Go's net.ParseCIDR, used by the API
            // server's validation, takes the prefix over 128 bits, and its networks contain the IPv4 addresses
            if (prefix > 128) {
                throw new IllegalArgumentException("'" + text + "' has prefix length " + prefix + ", outside 0..128");
            }
            if (prefix >= 96) {
                return new Cidr(mask(address, prefix - 96), prefix - 96, value);
            }
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(address, 0, mapped, 12, 4);
            return new Cidr(mask(mapped, prefix), prefix, value);
        }
        if (prefix > address.length * 8) {
            throw new IllegalArgumentException("'" + text + "' has prefix length " + prefix + ", outside 0.." + address.length * 8);
        }
        return new Cidr(mask(address, prefix), prefix, value);
    }

    /** The network of exactly one address: /32 or /128. */
    public static Cidr ofAddress(InetAddress address) {
        byte[] bytes = address.getAddress();
        return new Cidr(bytes, bytes.length * 8, null);
    }

    /** Every address of one family: 0.0.0.0/0 or ::/0. */
    public static Cidr wholeFamily(boolean ipv4) {
        return ipv4 ? new Cidr(new byte[4], 0, "0.0.0.0/0") : new Cidr(new byte[16], 0, "::/0");
    }

    /** The fewest CIDRs that cover exactly {@code first..last}: addresses of one family as unsigned numbers. */
    public static List<Cidr> covering(boolean ipv4, BigInteger first, BigInteger last) {
        List<Cidr> cidrs = new ArrayList<>();
        int bits = ipv4 ? 32 : 128;
        BigInteger next = first;
        while (next.compareTo(last) <= 0) {
            int size = next.signum() == 0 ? bits : next.getLowestSetBit();
            while (size > 0 && next.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(last) > 0) {
                size--;
            }
            cidrs.add(parse(IpAddresses.text(address(ipv4, next)) + "/" + (bits - size)));
            next = next.add(BigInteger.ONE.shiftLeft(size));
        }
        return cidrs;
    }

    /**
     * The fewest CIDRs that hold exactly {@code addresses} and nothing else: a thousand node addresses in a row
     * are a handful of networks. IPv4 first, each family in address order.
     */
    public static List<Cidr> coveringExactly(Collection<InetAddress> addresses) {
        List<Cidr> cidrs = new ArrayList<>();
        for (boolean ipv4 : new boolean[] {true, false}) {
            BigInteger[] numbers = addresses.stream().filter(a -> (a.getAddress().length == 4) == ipv4)
                    .map(a -> new BigInteger(1, a.getAddress())).distinct().sorted().toArray(BigInteger[]::new);
            for (int from = 0; from < numbers.length; ) {
                int to = from;
                while (to + 1 < numbers.length && numbers[to + 1].equals(numbers[to].add(BigInteger.ONE))) {
                    to++;
                }
                cidrs.addAll(covering(ipv4, numbers[from], numbers[to]));
                from = to + 1;
            }
        }
        return cidrs;
    }

    /** The address of one family that the unsigned number {@code number} is. */
    public static InetAddress address(boolean ipv4, BigInteger number) {
        byte[] raw = number.toByteArray();
        byte[] bytes = new byte[ipv4 ? 4 : 16];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The network as a policy writes it: its address (IPv6 shortened as RFC 5952 says) and prefix length. */
    public String notation() {
        return IpAddresses.text(address()) + "/" + prefixLength;
    }

    public boolean isSingleAddress() {
        return prefixLength == network.length * 8;
    }

    /** The network address (the only address of a single-address range). */
    public java.net.InetAddress address() {
        try {
            return java.net.InetAddress.getByAddress(network);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    /** True when this network covers every address of its family (0.0.0.0/0 or ::/0). */
    public boolean coversFamily() {
        return prefixLength == 0;
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && samePrefix(bytes, network, prefixLength);
    }

    /** True when every address of {@code other} is inside this network. */
    public boolean covers(Cidr other) {
        return other.network.length == network.length && other.prefixLength >= prefixLength
                && samePrefix(other.network, network, prefixLength);
    }

    /** Whether {@code address} masked to {@code prefix} bits is {@code masked} (already masked), without copying. */
    private static boolean samePrefix(byte[] address, byte[] masked, int prefix) {
        for (int i = 0; i < masked.length; i++) {
            int bitsInByte = Math.max(0, Math.min(8, prefix - i * 8));
            if ((byte) (address[i] & (0xFF00 >> bitsInByte)) != masked[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when some address is in both networks. */
    public boolean overlaps(Cidr other) {
        return covers(other) || other.covers(this);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int bitsInByte = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] = (byte) (masked[i] & (0xFF00 >> bitsInByte));
        }
        return masked;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr other && prefixLength == other.prefixLength && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return text();
    }
}
