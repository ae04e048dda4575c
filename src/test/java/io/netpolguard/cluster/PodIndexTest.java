package io.netpolguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A pod index made from the previous one and the namespaces whose pods changed answers as one made from all pods,
 * and shares what did not change: a rolling update in one namespace costs that namespace, not the cluster.
 */
class PodIndexTest {
    private static final List<ContainerPort> HTTP = List.of(new ContainerPort("http", 8080, Protocol.TCP));

    private final PodEndpoint checkoutA = pod("shop", "checkout-7d4b9c-a1", "checkout", "7d4b9c", "10.244.1.10");
    private final PodEndpoint checkoutB = pod("shop", "checkout-7d4b9c-b2", "checkout", "7d4b9c", "10.244.2.11");
    private final PodEndpoint cart = pod("shop", "cart-5f6d7-c3", "cart", "5f6d7", "10.244.1.12");
    private final PodEndpoint coredns = pod("kube-system", "coredns-6f9c-x1", "kube-dns", "6f9c", "10.244.0.10");
    private final PodEndpoint ledger = pod("bank", "ledger-88aa-z9", "ledger", "88aa", "fd00::20");

    @Test
    void aRolledOutNamespaceIsIndexedAgainAndEveryOtherIsShared() {
        PodIndex before = PodIndex.of(List.of(checkoutA, checkoutB, cart, coredns));
        List<PodEndpoint> dnsSets = before.labelSetsIn("kube-system");
        assertThat(before.labelSetsIn("shop")).hasSize(2);

        // checkout rolls out: both pods replaced by one with a new pod-template-hash
        PodEndpoint checkoutNew = pod("shop", "checkout-9e1f2a-d4", "checkout", "9e1f2a", "10.244.3.13");
        PodIndex after = before.withNamespaces(Map.of("shop", List.of(cart, checkoutNew)));

        assertThat(after.labelSetsIn("kube-system")).as("an untouched namespace keeps its label sets").isSameAs(dnsSets);
        assertThat(after.in("shop")).containsExactly(cart, checkoutNew);
        assertThat(after.pod("shop", "checkout-7d4b9c-a1")).isEmpty();
        assertThat(after.pod("shop", "checkout-9e1f2a-d4")).contains(checkoutNew);
        assertThat(after.pod("kube-system", "coredns-6f9c-x1")).contains(coredns);
        assertThat(after.labelSetsIn("shop")).extracting(p -> p.labels().get("pod-template-hash"))
                .containsExactlyInAnyOrder("5f6d7", "9e1f2a");
        assertThat(after.all()).containsExactlyInAnyOrderElementsOf(PodIndex.of(List.of(cart, checkoutNew, coredns)).all());
        assertThat(after.namespaces()).containsExactlyInAnyOrder("shop", "kube-system");
        assertThat(before.in("shop")).as("the previous index is unchanged").containsExactly(checkoutA, checkoutB, cart);
        assertThat(after.namespacesChangedSince(before)).containsExactly("shop");
        assertThat(before.namespacesChangedSince(after)).containsExactly("shop");
        assertThat(after.namespacesChangedSince(after)).isEmpty();
        assertThat(after.namespacesChangedSince(PodIndex.of(List.of(cart, checkoutNew, coredns))))
                .as("indexes built apart share nothing").containsExactly("kube-system", "shop");
    }

    @Test
    void aNamespaceWithoutPodsLeavesAndTheAddressFamiliesFollow() {
        PodIndex ipv4 = PodIndex.of(List.of(coredns, cart));
        assertThat(ipv4.families()).containsExactly(Cidr.wholeFamily(true));

        PodIndex dualStack = ipv4.withNamespaces(Map.of("bank", List.of(ledger)));
        assertThat(dualStack.families()).containsExactlyInAnyOrder(Cidr.wholeFamily(true), Cidr.wholeFamily(false));

        PodIndex back = dualStack.withNamespaces(Map.of("bank", List.of()));
        assertThat(back.namespaces()).containsExactlyInAnyOrder("kube-system", "shop");
        assertThat(back.in("bank")).isEmpty();
        assertThat(back.families()).containsExactly(Cidr.wholeFamily(true));
        assertThat(back.withNamespaces(Map.of())).isSameAs(back);
        assertThat(dualStack.namespacesChangedSince(ipv4)).as("a namespace that came").containsExactly("bank");
        assertThat(back.namespacesChangedSince(dualStack)).as("a namespace that left").containsExactly("bank");
    }

    private static PodEndpoint pod(String namespace, String name, String app, String hash, String address) {
        try {
            return PodEndpoint.pod(namespace, name, LabelSet.of(Map.of("app", app, "pod-template-hash", hash)),
                    List.of(InetAddress.getByName(address)), HTTP);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
