package io.netpolguard.netpol;

import java.net.InetAddress;
import java.util.Arrays;

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
