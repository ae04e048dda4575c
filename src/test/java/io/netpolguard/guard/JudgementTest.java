package io.netpolguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JudgementTest {
    @Test
    void auditAnnotationsComeInTheSameOrderEveryRun() {
        Judgement judgement = new Judgement(Decision.WARN, List.of(), List.of(), null,
                Map.of("decision", "warn", "blocked-flows", "monitored-apps->activegate", "unverifiable-flows", "-",
                        "exempted-by", "alice", "reason", "test"))
                .withAuditAnnotation("changed", "shop/deny");

        assertThat(judgement.auditAnnotations().keySet()).containsExactly("blocked-flows", "changed", "decision",
                "exempted-by", "reason", "unverifiable-flows");
    }
}
