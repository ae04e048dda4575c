package io.netpolguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.cli.CheckCommandTest.Run;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code check --output junit}: one test case per required flow; blocked is a failure, unverifiable and not-applicable
 * are skipped, allowed passes; the counts on testsuites and testsuite agree with the cases.
 */
class JunitOutputTest {
    private static final String EXAMPLE = "k8s/examples/cluster";

    private static Document junit(String... clusters) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("check"));
        for (String cluster : clusters) {
            args.addAll(java.util.List.of("--cluster", cluster));
        }
        args.addAll(java.util.List.of("--no-dns", "--output", "junit"));
        Run run = Run.run(args);
        assertThat(run.err()).isEmpty();
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(run.out().getBytes(StandardCharsets.UTF_8)));
    }

    /** test case "classname name" -> "passed", "failure:type" or "skipped:message". */
    private static Map<String, String> cases(Document xml) {
        Map<String, String> cases = new LinkedHashMap<>();
        NodeList testCases = xml.getElementsByTagName("testcase");
        for (int i = 0; i < testCases.getLength(); i++) {
            Element testCase = (Element) testCases.item(i);
            Element failure = (Element) testCase.getElementsByTagName("failure").item(0);
            Element skipped = (Element) testCase.getElementsByTagName("skipped").item(0);
            String outcome = failure != null ? "failure:" + failure.getAttribute("type")
                    : skipped != null ? "skipped:" + skipped.getAttribute("message") : "passed";
            cases.put(testCase.getAttribute("classname") + " " + testCase.getAttribute("name"), outcome);
        }
        return cases;
    }

    @Test
    void everyRequiredFlowIsATestCaseAndBlockedOnesFail() throws Exception {
        Document xml = junit(EXAMPLE, "src/test/resources/check/dns-to-node-local-cache");

        Element suites = xml.getDocumentElement();
        assertThat(suites.getTagName()).isEqualTo("testsuites");
        Element suite = (Element) suites.getElementsByTagName("testsuite").item(0);
        assertThat(xml.getElementsByTagName("testsuite").getLength()).isEqualTo(1);
        Map<String, String> cases = cases(xml);
        assertThat(cases).hasSize(17);
        for (Element counted : java.util.List.of(suites, suite)) {
            assertThat(counted.getAttribute("tests")).isEqualTo("17");
            assertThat(counted.getAttribute("failures")).isEqualTo("4");
            assertThat(counted.getAttribute("errors")).isEqualTo("0");
            assertThat(counted.getAttribute("skipped")).isEqualTo(Long.toString(
                    cases.values().stream().filter(o -> o.startsWith("skipped:")).count()));
        }
        assertThat(cases).containsEntry("cluster operator->kube-dns", "failure:critical")
                .containsEntry("DynaKube dynatrace/dynakube activegate->kube-dns", "failure:critical")
                .containsEntry("cluster operator->kube-apiserver", "passed")
                .hasEntrySatisfying("DynaKube dynatrace/dynakube operator->dynatrace-api",
                        o -> assertThat(o).startsWith("skipped:unverifiable: ").contains("abc12345.live.dynatrace.com"));
        assertThat(cases.values()).filteredOn(o -> o.startsWith("failure:")).hasSize(4);
        Element failure = (Element) suite.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).isEqualTo("blocked (critical)");
        assertThat(failure.getTextContent()).startsWith("operator->kube-dns (critical): blocked")
                .contains("fix: a NetworkPolicy like this would allow it:");
    }

    @Test
    void notApplicableFlowsAreSkippedAndAllowedOnesPass() throws Exception {
        Document xml = junit(EXAMPLE);

        Map<String, String> cases = cases(xml);
        assertThat(cases.values()).filteredOn(o -> o.startsWith("skipped:not-applicable")).hasSize(1);
        assertThat(cases.values()).noneMatch(o -> o.startsWith("failure:"));
        assertThat(xml.getDocumentElement().getAttribute("failures")).isEqualTo("0");
    }
}
