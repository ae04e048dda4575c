package io.netpolguard.connectivity;

import io.netpolguard.netpol.Cidr;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The address space cut at every boundary of the given CIDRs (the ipBlocks of the policies, their excepts included):
 * each piece is wholly inside or wholly outside every ipBlock, so one address of a piece stands for all of it.
 * IPv4 always; IPv6 when {@code withIpv6}.
 */
final class AddressPieces {
    private final List<AddressRange> ranges;
    private final BigInteger[] v4Starts;
    private final BigInteger[] v6Starts;

    AddressPieces(Collection<Cidr> cidrs, boolean withIpv6) {
        List<AddressRange> all = new ArrayList<>(cut(cidrs, true));
        v4Starts = all.stream().map(AddressRange::first).toArray(BigInteger[]::new);
        List<AddressRange> v6 = withIpv6 || cidrs.stream().anyMatch(c -> !c.isIpv4()) ? cut(cidrs, false) : List.of();
        v6Starts = v6.stream().map(AddressRange::first).toArray(BigInteger[]::new);
        all.addAll(v6);
        ranges = List.copyOf(all);
    }

    private static List<AddressRange> cut(Collection<Cidr> cidrs, boolean ipv4) {
        TreeSet<BigInteger> bounds = new TreeSet<>();
        bounds.add(BigInteger.ZERO);
        bounds.add(Addresses.end(ipv4));
        for (Cidr cidr : cidrs) {
            if (cidr.isIpv4() == ipv4) {
                bounds.add(Addresses.first(cidr));
                bounds.add(Addresses.after(cidr));
            }
        }
        List<AddressRange> pieces = new ArrayList<>();
        BigInteger start = null;
        for (BigInteger bound : bounds) {
            if (start != null) {
                BigInteger last = bound.subtract(BigInteger.ONE);
                pieces.add(new AddressRange(ipv4, start, last, Cidr.covering(ipv4, start, last)));
            }
            start = bound;
        }
        return pieces;
    }

    List<AddressRange> ranges() {
        return ranges;
    }

    /** The index in {@link #ranges()} of the piece that holds {@code address}, or -1 (IPv6 not cut). */
    int indexOf(InetAddress address) {
        boolean ipv4 = address instanceof Inet4Address;
        BigInteger[] starts = ipv4 ? v4Starts : v6Starts;
        if (starts.length == 0) {
            return -1;
        }
        BigInteger number = Addresses.number(address);
        int low = 0;
        int high = starts.length - 1;
        while (low < high) {
            int middle = (low + high + 1) >>> 1;
            if (starts[middle].compareTo(number) <= 0) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        return ipv4 ? low : v4Starts.length + low;
    }
}
