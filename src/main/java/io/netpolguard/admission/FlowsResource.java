package io.netpolguard.admission;

import io.netpolguard.guard.FlowResult;
import io.netpolguard.server.GuardServer;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /flows}: the last audit of every required flow against the live state. */
@Path("/flows")
public class FlowsResource {

    @Inject
    GuardServer server;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> flows() {
        GuardServer.AuditReport report = server.audit();
        List<Map<String, Object>> flows = new ArrayList<>();
        for (FlowResult result : report.results()) {
            Map<String, Object> flow = new LinkedHashMap<>();
            flow.put("id", result.flow().id());
            flow.put("owner", result.flow().owner());
            flow.put("severity", server.settings().severity(result.flow().id(), result.flow().definition().severity()).id());
            flow.put("status", result.status().id());
            flow.put("summary", report.explainer().summary(result));
            if (result.status() == io.netpolguard.guard.FlowStatus.UNVERIFIABLE) {
                flow.put("reason", io.netpolguard.guard.FlowExplainer.reason(result));
            }
            flows.add(flow);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("auditedAt", report.at().toString());
        body.put("source", report.source());
        body.put("synced", server.source().synced());
        body.put("operator", Map.of("found", report.operator().found(), "namespace", report.operator().namespace()));
        body.put("flows", flows);
        body.put("problems", report.problems());
        return body;
    }
}
