package io.netpolguard.connectivity;

import io.netpolguard.netpol.Cidr;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Addresses as unsigned numbers, and ranges of them as CIDRs. */
final class Addresses {

    private Addresses() {
    }

    static int bits(boolean ipv4) {
        return ipv4 ? 32 : 128;
    }

    static BigInteger number(byte[] address) {
        return new BigInteger(1, address);
    }

    static BigInteger number(InetAddress address) {
        return number(address.getAddress());
    }

    /** The last address of the family plus one: where the address space ends. */
    static BigInteger end(boolean ipv4) {
        return BigInteger.ONE.shiftLeft(bits(ipv4));
    }

    static BigInteger first(Cidr cidr) {
        return number(cidr.network());
    }

    /** One past the last address of {@code cidr}. */
    static BigInteger after(Cidr cidr) {
        return first(cidr).add(BigInteger.ONE.shiftLeft(cidr.network().length * 8 - cidr.prefixLength()));
    }

    static InetAddress address(boolean ipv4, BigInteger number) {
        byte[] raw = number.toByteArray();
        byte[] bytes = new byte[bits(ipv4) / 8];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The address as written, IPv6 shortened as RFC 5952 says ({@code 2001:db8::1}). */
    static String text(boolean ipv4, BigInteger number) {
        return text(address(ipv4, number));
    }

    static String text(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xFF) << 8 | bytes[2 * i + 1] & 0xFF;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            out.append(Integer.toHexString(groups[i]));
            if (i < 7) {
                out.append(':');
            }
        }
        return out.toString();
    }

    /** The fewest CIDRs that cover exactly {@code first..last}. */
    static List<Cidr> cidrs(boolean ipv4, BigInteger first, BigInteger last) {
        List<Cidr> cidrs = new ArrayList<>();
        int bits = bits(ipv4);
        BigInteger next = first;
        while (next.compareTo(last) <= 0) {
            int size = next.signum() == 0 ? bits : next.getLowestSetBit();
            while (size > 0 && next.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(last) > 0) {
                size--;
            }
            cidrs.add(Cidr.parse(text(ipv4, next) + "/" + (bits - size)));
            next = next.add(BigInteger.ONE.shiftLeft(size));
        }
        return cidrs;
    }
}
