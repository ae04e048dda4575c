package io.netpolguard.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceListBuilder;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.ServiceListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceListBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.netpolguard.cluster.ClusterObjects;
import io.netpolguard.cluster.ClusterSnapshot;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one-shot listing of a command against fabric8's mock API server, answering as an API server with RBAC would: a
 * kind the verdicts can do without that the user may not list is a problem; a policy kind is a problem and unknown;
 * one they cannot do without ends the listing with one line.
 */
@EnableKubernetesMockClient
class ClusterListingTest {
    private static final String LIMIT = "?limit=500";

    KubernetesMockServer server;
    KubernetesClient client;

    @BeforeEach
    void aSmallCluster() {
        server.expect().get().withPath("/api/v1/namespaces" + LIMIT).andReturn(200, new NamespaceListBuilder()
                .addToItems(new NamespaceBuilder().withNewMetadata().withName("dynatrace").endMetadata().build())
                .withNewMetadata().endMetadata().build()).always();
        server.expect().get().withPath("/api/v1/services" + LIMIT).andReturn(200, new ServiceListBuilder()
                .withNewMetadata().endMetadata().build()).always();
        server.expect().get().withPath("/apis/networking.k8s.io/v1/networkpolicies" + LIMIT).andReturn(200,
                new NetworkPolicyListBuilder().build()).always();
        server.expect().get().withPath("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"
                + "?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes&limit=500").andReturn(200,
                new EndpointSliceListBuilder().build()).always();
    }

    private void forbidden(String path, String resource) {
        forbidden(path, resource, "");
    }

    private void forbidden(String path, String resource, String group) {
        server.expect().get().withPath(path + LIMIT).andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                .withMessage(resource + " is forbidden: User \"developer\" cannot list resource \"" + resource
                        + "\" in API group \"" + group + "\" at the cluster scope").build()).always();
    }

    /** API discovery: no custom kinds. */
    private void noCustomKinds() {
        server.expect().get().withPath("/apis").andReturn(200, new APIGroupListBuilder().build()).always();
    }

    private void pods() {
        server.expect().get().withPath("/api/v1/pods" + LIMIT).andReturn(200, new PodListBuilder()
                .addToItems(new PodBuilder().withNewMetadata().withName("dynatrace-operator-5d8f9c7b6d-k2x7p")
                        .withNamespace("dynatrace").endMetadata().build())
                .withNewMetadata().endMetadata().build()).always();
    }

    @Test
    void aKindTheVerdictsCanDoWithoutIsAProblem() {
        noCustomKinds();
        pods();
        forbidden("/api/v1/nodes", "nodes");

        ClusterListing.Result result = ClusterListing.read(client);

        assertThat(result.problems()).containsExactly("cannot list nodes: nodes is forbidden: User \"developer\" cannot "
                + "list resource \"nodes\" in API group \"\" at the cluster scope (flows that need them are judged "
                + "without them)");
        assertThat(result.objects().all()).extracting(ClusterObjects.Entry::kind).containsExactly("Namespace", "Pod");
        assertThat(result.objects().all()).allMatch(ClusterObjects.Entry::stored);
        assertThat(result.objects().find("", "Pod", "dynatrace", "dynatrace-operator-5d8f9c7b6d-k2x7p")).isPresent();
    }

    @Test
    void withoutPodsNoFlowCanBeJudged() {
        noCustomKinds();
        forbidden("/api/v1/pods", "pods");
        server.expect().get().withPath("/api/v1/nodes" + LIMIT).andReturn(200, new NodeListBuilder()
                .withNewMetadata().endMetadata().build()).always();

        assertThatThrownBy(() -> ClusterListing.read(client)).isInstanceOf(UnreadableClusterException.class)
                .hasMessage("cannot list pods: pods is forbidden: User \"developer\" cannot list resource \"pods\" in API "
                        + "group \"\" at the cluster scope; without them no flow can be judged");
    }

    @Test
    void pagesAreFollowed() {
        noCustomKinds();
        server.expect().get().withPath("/api/v1/pods" + LIMIT).andReturn(200, new PodListBuilder()
                .addToItems(new PodBuilder().withNewMetadata().withName("a").withNamespace("shop").endMetadata().build())
                .withNewMetadata().withContinue("next-page").endMetadata().build()).always();
        server.expect().get().withPath("/api/v1/pods?continue=next-page&limit=500").andReturn(200, new PodListBuilder()
                .addToItems(new PodBuilder().withNewMetadata().withName("b").withNamespace("shop").endMetadata().build())
                .withNewMetadata().endMetadata().build()).always();
        server.expect().get().withPath("/api/v1/nodes" + LIMIT).andReturn(200, new NodeListBuilder()
                .withNewMetadata().endMetadata().build()).always();

        ClusterListing.Result result = ClusterListing.read(client);

        assertThat(result.objects().all()).filteredOn(e -> e.kind().equals("Pod")).extracting(ClusterObjects.Entry::name)
                .isEqualTo(List.of("a", "b"));
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void aPolicyKindTheUserMayNotListIsAProblemAndUnknownAsTheWebhookCountsIt() {
        // the cluster serves AdminNetworkPolicies (network-policy-api v0.1.7), which the user may not list
        String group = "policy.networking.k8s.io";
        server.expect().get().withPath("/apis").andReturn(200, new APIGroupListBuilder().addNewGroup().withName(group)
                .addNewVersion().withGroupVersion(group + "/v1alpha1").withVersion("v1alpha1").endVersion()
                .withNewPreferredVersion().withGroupVersion(group + "/v1alpha1").withVersion("v1alpha1")
                .endPreferredVersion().endGroup().build()).always();
        server.expect().get().withPath("/apis/" + group + "/v1alpha1").andReturn(200, new APIResourceListBuilder()
                .withGroupVersion(group + "/v1alpha1").addNewResource().withName("adminnetworkpolicies")
                .withKind("AdminNetworkPolicy").withNamespaced(false).withVerbs("get", "list", "watch").endResource()
                .build()).always();
        forbidden("/apis/" + group + "/v1alpha1/adminnetworkpolicies", "adminnetworkpolicies", group);
        pods();
        server.expect().get().withPath("/api/v1/nodes" + LIMIT).andReturn(200, new NodeListBuilder()
                .withNewMetadata().endMetadata().build()).always();

        ClusterListing.Result result = ClusterListing.read(client);

        assertThat(result.problems()).containsExactly("cannot list adminnetworkpolicies.policy.networking.k8s.io: "
                + "adminnetworkpolicies is forbidden: User \"developer\" cannot list resource \"adminnetworkpolicies\" in "
                + "API group \"policy.networking.k8s.io\" at the cluster scope");
        // manifests applied on top (check --diff) do not make the kind known
        ClusterSnapshot snapshot = result.objects().apply(new ClusterObjects()).snapshot(skipped -> { });
        assertThat(snapshot.unevaluatedPolicies()).singleElement().satisfies(unknown -> {
            assertThat(unknown.kind()).isEqualTo("AdminNetworkPolicy");
            assertThat(unknown.unlistedResource()).isEqualTo("adminnetworkpolicies.policy.networking.k8s.io");
            assertThat(unknown.namespace()).as("every namespace").isNull();
            assertThat(unknown.canAllow()).isTrue();
        });
    }
}
