package io.netpolguard.connectivity;

import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.IpAddresses;
import java.math.BigInteger;
import java.net.InetAddress;

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

    /** The address as written, IPv6 shortened as RFC 5952 says ({@code 2001:db8::1}). */
    static String text(boolean ipv4, BigInteger number) {
        return IpAddresses.text(Cidr.address(ipv4, number));
    }
}
