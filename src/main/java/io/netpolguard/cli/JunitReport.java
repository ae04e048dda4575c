package io.netpolguard.cli;

import io.netpolguard.guard.FlowExplainer;
import io.netpolguard.guard.FlowResult;
import io.netpolguard.guard.FlowStatus;
import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code check --output junit}: JUnit XML, one test case per required flow (class name: the DynaKube or EdgeConnect
 * that needs it, or {@code cluster}; name: the flow id). A blocked flow is a {@code failure} (type: its severity), an
 * unverifiable one is {@code skipped} with the reason (the guard could not judge it: neither passed nor failed), a
 * not-applicable one is {@code skipped} too; an allowed one passes.
 */
final class JunitReport {
    private JunitReport() {
    }

    static String of(CheckReport report) {
        long failures = report.results().stream().filter(r -> r.status() == FlowStatus.BLOCKED).count();
        long skipped = report.results().stream().filter(r -> r.status() == FlowStatus.UNVERIFIABLE
                || r.status() == FlowStatus.NOT_APPLICABLE).count();
        String tests = Integer.toString(report.results().size());
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuites");
            xml.writeAttribute("name", "netpol-guard check");
            counts(xml, tests, failures, skipped);
            xml.writeCharacters("\n  ");
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", "required flows of " + report.input().description());
            counts(xml, tests, failures, skipped);
            for (FlowResult result : report.results()) {
                testCase(xml, result, report);
            }
            xml.writeCharacters("\n  ");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write JUnit XML: " + e.getMessage(), e);
        }
        return text + "\n";
    }

    private static void counts(XMLStreamWriter xml, String tests, long failures, long skipped) throws XMLStreamException {
        xml.writeAttribute("tests", tests);
        xml.writeAttribute("failures", Long.toString(failures));
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("skipped", Long.toString(skipped));
    }

    private static void testCase(XMLStreamWriter xml, FlowResult result, CheckReport report) throws XMLStreamException {
        xml.writeCharacters("\n    ");
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", result.flow().owner().isEmpty() ? "cluster" : result.flow().owner());
        xml.writeAttribute("name", result.flow().id());
        switch (result.status()) {
            case BLOCKED -> {
                xml.writeStartElement("failure");
                xml.writeAttribute("type", report.severity(result).id());
                xml.writeAttribute("message", "blocked (" + report.severity(result).id() + ")");
                xml.writeCharacters(report.explainer().explain(result));
                xml.writeEndElement();
            }
            case UNVERIFIABLE -> {
                xml.writeStartElement("skipped");
                xml.writeAttribute("message", "unverifiable: " + FlowExplainer.reason(result));
                xml.writeCharacters(report.explainer().explain(result));
                xml.writeEndElement();
            }
            case NOT_APPLICABLE -> {
                xml.writeEmptyElement("skipped");
                xml.writeAttribute("message", "not-applicable: no end of the flow is a pod NetworkPolicy selects");
            }
            case ALLOWED -> {
            }
        }
        xml.writeEndElement();
    }
}
