package io.netpolguard.connectivity;

import io.netpolguard.netpol.Cidr;
import java.math.BigInteger;
import java.util.List;

/**
 * Addresses outside the pods, from {@code first} to {@code last} (inclusive, as unsigned numbers of one family): one
 * of the disjoint pieces that the ipBlocks of the policies cut the address space into. {@code cidrs} covers exactly
 * the same addresses, for the engine.
 */
public record AddressRange(boolean ipv4, BigInteger first, BigInteger last, List<Cidr> cidrs) implements End {

    public AddressRange {
        cidrs = List.copyOf(cidrs);
    }

    /** {@code 10.0.0.0/8} when the range is one CIDR, else {@code 0.0.0.0-9.255.255.255}. */
    @Override
    public String name() {
        if (cidrs.size() == 1) {
            return cidrs.get(0).notation();
        }
        return Addresses.text(ipv4, first) + "-" + Addresses.text(ipv4, last);
    }

    int compareRange(AddressRange other) {
        if (ipv4 != other.ipv4) {
            return ipv4 ? -1 : 1;
        }
        return first.compareTo(other.first);
    }

    @Override
    public String toString() {
        return name();
    }
}
