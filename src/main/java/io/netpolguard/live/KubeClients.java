package io.netpolguard.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.netpolguard.cluster.ManifestException;
import io.netpolguard.cluster.Manifests;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A Kubernetes client for one command, configured as kubectl would be: {@code --kubeconfig} and {@code --context}, else
 * KUBECONFIG or ~/.kube/config, else the pod's service account. It fails fast: no retries, 10 s to connect.
 */
public final class KubeClients {
    private static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private KubeClients() {
    }

    /**
     * @param kubeconfig the kubeconfig file, or null for KUBECONFIG, ~/.kube/config or the service account
     * @param context a context of the kubeconfig, or null for its current context
     */
    public static KubernetesClient open(Path kubeconfig, String context) {
        Config config;
        if (kubeconfig != null) {
            if (!Files.isRegularFile(kubeconfig)) {
                throw new UnreadableClusterException(kubeconfig + ": no such kubeconfig file");
            }
            requireContext(context, List.of(kubeconfig.toFile()));
            config = Config.fromKubeconfig(context, kubeconfig.toFile());
        } else {
            List<File> files = Config.getKubeconfigFilenames().stream().map(File::new).filter(File::isFile).toList();
            if (files.isEmpty() && (context != null || !inPod())) {
                throw new UnreadableClusterException("no kubeconfig (KUBECONFIG, ~/.kube/config) and no service account "
                        + "of a pod: give --kubeconfig <file>, or --cluster <dir> to read manifests");
            }
            requireContext(context, files);
            config = Config.autoConfigure(context);
        }
        config.setRequestRetryBackoffLimit(0);
        config.setConnectionTimeout(10_000);
        config.setRequestTimeout(30_000);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static boolean inPod() {
        return System.getenv("KUBERNETES_SERVICE_HOST") != null && Files.isReadable(SERVICE_ACCOUNT_TOKEN);
    }

    /** A mistyped context must not silently read another cluster. */
    private static void requireContext(String context, Collection<File> files) {
        if (context == null) {
            return;
        }
        List<String> known = new ArrayList<>();
        for (File file : files) {
            try {
                for (Manifests.Document document : Manifests.read(file.toPath())) {
                    for (JsonNode named : document.node().path("contexts")) {
                        known.add(named.path("name").asText());
                    }
                }
            } catch (ManifestException e) {
                throw new UnreadableClusterException(e.getMessage());
            }
        }
        if (!known.contains(context)) {
            throw new UnreadableClusterException("no context '" + context + "' in " + String.join(", ",
                    files.stream().map(File::toString).toList()) + " (contexts: " + String.join(", ", known) + ")");
        }
    }
}
