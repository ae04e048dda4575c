package io.netpolguard.cli;

import io.netpolguard.admission.AdmissionHandler;
import io.netpolguard.admission.AdmissionRequest;
import io.netpolguard.admission.AdmissionRequestReader;
import io.netpolguard.admission.BadAdmissionReviewException;
import io.netpolguard.cluster.ClusterSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code review}: the AdmissionReview response the webhook would return for a request against a cluster. */
@Command(name = "review", mixinStandardHelpOptions = true,
        description = "Prints the AdmissionReview response the webhook would return for an admission.k8s.io/v1 "
                + "AdmissionReview request, against a cluster given as manifests (or the live cluster when asked).",
        footer = {"%nExit codes: 0 allowed, 1 denied, 2 bad input."})
public class ReviewCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    NetpolGuardCommand parent;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    GuardOptions guardOptions;

    @Option(names = "--request", required = true, paramLabel = "<admission-review.json>",
            description = "AdmissionReview request as the API server sends it (JSON or YAML).")
    Path requestFile;

    @Override
    public Integer call() {
        AdmissionHandler handler = new AdmissionHandler(guardOptions.guard(parent.guardFactory()));
        ClusterSnapshot snapshot = cluster.snapshot(spec.commandLine().getErr());
        AdmissionRequest request;
        try {
            request = AdmissionRequestReader.read(io.netpolguard.cluster.Manifests.JSON.readTree(readRequest()));
        } catch (BadAdmissionReviewException e) {
            throw new InputException(requestFile + ": " + e.getMessage());
        } catch (IOException e) {
            throw new InputException(requestFile + ": not valid JSON: " + e.getMessage());
        }
        AdmissionHandler.Outcome outcome = handler.handle(request, snapshot);
        PrintWriter out = spec.commandLine().getOut();
        out.println(Json.pretty(outcome.response()));
        out.flush();
        return "deny".equals(outcome.decision()) ? CommandLines.EXIT_FINDINGS : CommandLines.EXIT_OK;
    }

    private String readRequest() {
        if (!Files.isRegularFile(requestFile)) {
            throw new InputException(requestFile + ": no such request file");
        }
        try {
            var documents = io.netpolguard.cluster.Manifests.read(requestFile);
            if (documents.size() != 1) {
                throw new InputException(requestFile + ": expected one AdmissionReview, found " + documents.size()
                        + " documents");
            }
            return documents.get(0).node().toString();
        } catch (io.netpolguard.cluster.ManifestException e) {
            throw new InputException(e.getMessage());
        }
    }
}
