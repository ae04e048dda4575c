package io.netpolguard.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.netpolguard.cluster.Manifests;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Structure-aware mutations of valid seeds into hostile input: fields deleted, duplicated, renamed, set to null or
 * to a value of the wrong JSON type, huge and odd numbers, long strings, strings the readers parse (CIDRs, URLs, port
 * names, selector operators, kinds), deep nesting, subtrees grafted from other seeds; then, for the byte readers, the
 * text itself broken: truncated, invalid UTF-8, stray bytes, YAML aliases and tags. Every choice comes from a
 * {@link Choices}, so the same code serves the seeded short run and Jazzer.
 */
public final class Hostile {
    /** How the mutated tree is written. */
    public enum Format {
        /** JSON, then possibly broken byte by byte (an HTTP body). */
        JSON_BYTES,
        /** A manifest file: the seed is an array of documents, written as YAML documents, a JSON array or a List. */
        MANIFEST_BYTES,
        /** Well-formed JSON of one object (for readers that are handed a parsed tree). */
        JSON_TREE
    }

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final long MAX_WEIGHT = 250_000;
    private static final String NEST_MARK = "NESTzq_";
    /** Subtrees the readers never look at; mutations go elsewhere most of the time. */
    private static final java.util.Set<String> DULL = java.util.Set.of("managedFields", "userInfo", "requestResource",
            "requestKind", "resource", "options", "status");

    static final List<String> HOSTILE_STRINGS = List.of("", " ", "\u0000", "null", "true", "0", "-1", "65536", "80",
            "08", "1e9999", "NaN", "http", "TCP", "tcp", "ICMP", "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Bogus",
            "10.0.0.0/8", "0.0.0.0/0", "::/0", "10.0.0.1/33", "10.0.0.0/-1", "256.0.0.0/8", "1.2.3/24", "10.0.0.0/08",
            "fe80::1%eth0/64", "::ffff:10.0.0.1/128", "::ffff:10.0.0.0/104", "1.2.3.4", "1.2.3.4/", "/", "/24",
            "10.0.0.0/8/8", "a/b/c", "a/", "/b", "https://", "https://:443", "https://[::1/api", "https://[::1]:443/api",
            "http://h:99999/api", "https://host:-1/api", "https://%zz/api", "https://a b/api", "https://x:y@host:1/",
            "https://abc12345.live.dynatrace.com/api", "https://abc12345.apps.dynatrace.com/",
            "abc12345.live.dynatrace.com", "host:0", "host:65536", "host:", ":80", "[::1]", "//", "*", ".", "..", "...",
            "-", "--", "a--b", "-a", "a-", "x".repeat(16), "x".repeat(64), "x".repeat(254), "UPPER", "\u00fcn\u00efc\u00f6d\u00e9",
            "\u202e", "\ud83d\ude00", "\t", "\n", "\r\n", "'", "\"", "\\", "%", "%00", "a,b", ",", "a=b", "CREATE",
            "UPDATE", "DELETE", "CONNECT", "NetworkPolicy", "Namespace", "DynaKube", "EdgeConnect",
            "ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "List", "PodList",
            "NetworkPolicyList", "networking.k8s.io", "networking.k8s.io/v1", "policy.networking.k8s.io/v1alpha1",
            "policy.networking.k8s.io/v1alpha2", "policy.networking.k8s.io/v1beta1", "dynatrace.com/v1beta1",
            "dynatrace.com/v1beta3", "dynatrace.com/v1beta4", "dynatrace.com/v1beta6", "dynatrace.com/v1alpha1",
            "dynatrace.com/v1alpha2", "admission.k8s.io/v1", "AdmissionReview", "v1", "Admin", "Baseline", "Allow",
            "Accept", "Deny", "Pass", "Ingress", "Egress", "kube-system", "dynatrace", "default",
            "feature.dynatrace.com/ignored-namespaces", "feature.dynatrace.com/no-proxy", "[\"^(.*a){20}$\"]",
            "[\"(\"]", "[\"^kube-.*\", null]", "a".repeat(40) + "-b", "fe80::1%eth0", "::1%lo/128", "10.0.0.0/8,::/0");
    private static final List<String> YAML_SNIPPETS = List.of("&a [*a]\n", "a: &a [*a, *a, *a, *a, *a, *a]\n",
            "x: !!binary aGVsbG8=\n", "x: !!float .nan\n", "x: !!int 0x7fffffffffffffffff\n", "? [a, b]\n: c\n",
            "<<: *undefined\n", "%YAML 1.1\n---\n", "--- !!set\n? a\n", "\tkey: value\n", "key: value\nkey: other\n",
            "---\n", "...\n", "x: |\n  text\n", "- - - - -\n", "x: 1e99999\n", "x: 0o777\n", "x: @\n", "x: `\n",
            "!!python/object:os.system\n", "x: !custom {a: 1}\n", "*unknown\n", "x: {a: [b: {c: d]}}\n", "\ufeff",
            "lol1: &l1 [a, a, a, a, a, a, a, a, a]\nlol2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\n"
                    + "lol3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]\nlol4: [*l3, *l3, *l3, *l3, *l3]\n");
    /** What addresses, URLs, ports and selectors are made of. */
    private static final List<String> TOKENS = List.of(":", "::", ".", "0", "1", "255", "65536", "ffff", "a", "Z", "%",
            "%eth0", "/", "/8", "/64", "/129", "[", "]", "g", "-", "_", "://", "https", "@", "?", "#", " ", ",", "*",
            "\u0000", "\u00e9", "\u0661", "1e5", "(", ")", "+", "\\", "=", "'", "\"", "\n");
    /** Characters that end a pumped run and make a pattern fail. */
    private static final List<String> REJECTS = List.of("%", "g", "!", "]", " ", "-", "\u0000", "x", "_", "\u00e9");
    /** Fields whose text the guard parses itself (an array element counts as its array's field). */
    private static final java.util.Set<String> PARSED = java.util.Set.of("cidr", "except", "networks", "podIP", "podIPs",
            "ip", "hostIP", "hostIPs", "address", "addresses", "apiUrl", "apiServer", "endpoint", "host", "noProxy",
            "value", "port", "endPort", "protocol", "operator", "key", "values", "name", "namespace", "kind",
            "apiVersion", "domainNames", "clusterIP", "clusterIPs", "externalIPs", "capabilities", "tier", "action",
            "priority", "containerPort", "protocols", "serviceName", "uid", "operation", "group");
    private static final List<byte[]> BAD_BYTES = List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3, 0x28},
            new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xc0, (byte) 0xaf},
            new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82},
            new byte[] {0}, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, new byte[] {(byte) 0xfe, (byte) 0xff});

    private Hostile() {
    }

    /** A place in the tree: its container and key or index, and the place of the container (for the path). */
    private record Slot(ContainerNode<?> parent, String field, int index, JsonNode node, Slot up, boolean dull) {
        void set(JsonNode value) {
            if (parent instanceof ObjectNode object) {
                object.set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (parent instanceof ObjectNode object) {
                object.remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }

        String path() {
            String here = field != null ? "/\"" + field + "\"" : up == null ? "/" : "/" + index;
            return up == null ? here : up.path() + here;
        }
    }

    /** Mutates a copy of the seed and writes it in the given format. */
    public static FuzzInput mutate(Seeds.Seed seed, List<Seeds.Seed> donors, Format format, Choices choices) {
        List<String> log = new ArrayList<>();
        ArrayNode holder = JsonNodeFactory.instance.arrayNode();
        holder.add(seed.node().deepCopy());
        int count = choices.chance(80) ? choices.between(1, 4) : choices.between(5, 16);
        for (int i = 0; i < count; i++) {
            mutateOnce(holder, donors, choices, log);
        }
        JsonNode root = holder.isEmpty() ? NullNode.instance : holder.get(0);
        if (format == Format.JSON_TREE && !root.isObject()) {
            // the readers of trees are handed objects: the reader before them turned everything else away
            log.add("root made an object again");
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            object.set("spec", root);
            root = object;
        }
        byte[] bytes = write(root, format, choices, log);
        if (format != Format.JSON_TREE && choices.chance(25)) {
            int breaks = choices.between(1, 3);
            for (int i = 0; i < breaks; i++) {
                bytes = breakBytes(bytes, format, choices, log);
            }
        }
        return new FuzzInput(seed.name(), log, bytes);
    }

    private static void mutateOnce(ArrayNode holder, List<Seeds.Seed> donors, Choices choices, List<String> log) {
        List<Slot> slots = new ArrayList<>();
        collect(holder, null, slots);
        if (slots.size() > MAX_WEIGHT || weight(holder) > MAX_WEIGHT) {
            return; // large enough: hostile, not a memory test of the fuzzer itself (about 4 MB at most)
        }
        if (slots.isEmpty()) {
            holder.add(oddValue(choices));
            log.add("new root");
            return;
        }
        // a nesting mark is a placeholder, not text to mutate
        slots.removeIf(s -> s.node().isTextual() && s.node().asText().startsWith(NEST_MARK));
        if (slots.isEmpty()) {
            return;
        }
        List<Slot> lively = slots.stream().filter(s -> !s.dull()).toList();
        Slot slot = choices.chance(80) && !lively.isEmpty() ? choices.oneOf(lively) : choices.oneOf(slots);
        int operation = choices.pick(17);
        switch (operation) {
            case 0 -> {
                slot.remove();
                log.add("delete " + slot.path());
            }
            case 1 -> {
                slot.set(NullNode.instance);
                log.add("null at " + slot.path());
            }
            case 2 -> {
                JsonNode value = oddValue(choices);
                slot.set(value);
                log.add("set " + slot.path() + " to " + shorten(value));
            }
            case 3, 4 -> {
                TextNode value = TextNode.valueOf(string(choices));
                slot.set(value);
                log.add("set " + slot.path() + " to " + shorten(value));
            }
            case 5 -> {
                JsonNode value = oddNumber(choices);
                slot.set(value);
                log.add("set " + slot.path() + " to " + shorten(value));
            }
            case 6 -> {
                int wanted = choices.chance(70) ? choices.between(1, 3) : choices.oneOf(List.of(100, 1000, 5000));
                int copies = (int) Math.max(1, Math.min(wanted, MAX_WEIGHT / weight(slot.node())));
                if (slot.parent() instanceof ArrayNode array) {
                    for (int i = 0; i < copies; i++) {
                        array.insert(slot.index(), slot.node().deepCopy());
                    }
                } else {
                    ObjectNode object = (ObjectNode) slot.parent();
                    for (int i = 0; i < copies; i++) {
                        object.set(slot.field() + (i == 0 ? "" : "-" + i) + "-copy", slot.node().deepCopy());
                    }
                }
                log.add("duplicate " + slot.path() + " x" + copies);
            }
            case 7 -> {
                int depth = choices.oneOf(List.of(2, 20, 200, 999, 1001, 3000));
                slot.set(TextNode.valueOf(NEST_MARK + depth + "_" + (choices.chance(50) ? "a" : "o")));
                log.add("nest " + slot.path() + " " + depth + " deep");
            }
            case 8 -> {
                Seeds.Seed donor = choices.oneOf(donors);
                StringBuilder from = new StringBuilder();
                JsonNode graft = subtree(donor.node(), choices, from);
                slot.set(graft.deepCopy());
                log.add("graft " + donor.name() + " " + (from.length() == 0 ? "/" : from) + " at " + slot.path());
            }
            case 9 -> {
                if (slot.parent() instanceof ObjectNode object) {
                    String name = fieldName(choices);
                    object.remove(slot.field());
                    object.set(name, slot.node());
                    log.add("rename " + slot.path() + " to " + shorten(TextNode.valueOf(name)));
                } else {
                    ((ArrayNode) slot.parent()).add(slot.node().deepCopy());
                    log.add("append a copy of " + slot.path());
                }
            }
            case 10 -> {
                int length = choices.oneOf(List.of(300, 10_000, 100_000, 1_000_000));
                String unit = choices.chance(50) ? "a" : string(choices);
                String text = unit.isEmpty() ? "a".repeat(length) : unit.repeat(Math.max(1, length / unit.length()));
                slot.set(TextNode.valueOf(text));
                log.add("set " + slot.path() + " to " + text.length() + " characters of " + shorten(TextNode.valueOf(unit)));
            }
            case 11 -> {
                JsonNode target = slot.node().isObject() ? slot.node() : slot.parent();
                if (target instanceof ObjectNode object) {
                    String name = fieldName(choices);
                    JsonNode value = choices.chance(50) ? TextNode.valueOf(string(choices)) : oddValue(choices);
                    object.set(name, value);
                    log.add("add field " + shorten(TextNode.valueOf(name)) + " = " + shorten(value) + " near " + slot.path());
                } else {
                    ((ArrayNode) target).add(oddValue(choices));
                    log.add("append to " + slot.path());
                }
            }
            case 12 -> {
                if (choices.chance(50)) {
                    slot.set(JsonNodeFactory.instance.arrayNode().add(slot.node()));
                    log.add("wrap " + slot.path() + " in an array");
                } else {
                    ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
                    wrapper.set(fieldName(choices), slot.node());
                    slot.set(wrapper);
                    log.add("wrap " + slot.path() + " in an object");
                }
            }
            case 15 -> {
                // the shape that makes a backtracking matcher slow: a run of what the text already holds, pumped
                // thousands of times, then a character that makes the match fail
                List<Slot> parsed = slots.stream().filter(s -> parsed(s) && s.node().isTextual()).toList();
                // most often text with structure (addresses, URLs, versions): what a pattern takes apart
                List<Slot> structured = parsed.stream().filter(s -> structured(s.node().asText())).toList();
                Slot target = !structured.isEmpty() && choices.chance(70) ? choices.oneOf(structured)
                        : parsed.isEmpty() ? slot : choices.oneOf(parsed);
                String text = target.node().isTextual() ? target.node().asText() : string(choices);
                int at = choices.pick(text.length() + 1);
                String unit = at == 0 ? choices.oneOf(TOKENS) : text.substring(Math.max(0, at - choices.between(1, 3)), at);
                int times = choices.oneOf(List.of(1_000, 20_000, 100_000));
                String reject = choices.oneOf(REJECTS);
                String pumped = text.substring(0, at) + unit.repeat(times) + reject + text.substring(at);
                target.set(TextNode.valueOf(pumped));
                log.add("set " + target.path() + " to " + shorten(TextNode.valueOf(text)) + " with "
                        + shorten(TextNode.valueOf(unit)) + " repeated " + times + " times at " + at + ", then "
                        + shorten(TextNode.valueOf(reject)));
            }
            case 14 -> {
                // text for the fields the guard parses itself (addresses, URLs, ports, selectors): tokens of what
                // such text is made of, some repeated thousands of times
                List<Slot> parsed = slots.stream().filter(Hostile::parsed).toList();
                Slot target = parsed.isEmpty() ? slot : choices.oneOf(parsed);
                StringBuilder text = new StringBuilder();
                int tokens = choices.between(1, 5);
                for (int i = 0; i < tokens; i++) {
                    String token = choices.oneOf(TOKENS);
                    int times = choices.chance(30) ? choices.oneOf(List.of(1_000, 20_000, 100_000)) : choices.between(1, 3);
                    text.append(token.repeat(times));
                }
                target.set(TextNode.valueOf(text.toString()));
                log.add("set " + target.path() + " to " + shorten(TextNode.valueOf(text.toString())));
            }
            case 13 -> {
                // a part of a string repeated in place: long input that still looks like what the field holds
                String text = slot.node().isTextual() && !slot.node().asText().isEmpty() ? slot.node().asText()
                        : string(choices);
                if (text.isEmpty()) {
                    text = "::";
                }
                int start = choices.pick(text.length());
                int end = Math.min(text.length(), start + choices.between(1, 4));
                int times = choices.oneOf(List.of(1_000, 10_000, 100_000));
                String inflated = text.substring(0, start) + text.substring(start, end).repeat(times) + text.substring(end);
                slot.set(TextNode.valueOf(inflated));
                log.add("set " + slot.path() + " to " + shorten(TextNode.valueOf(text)) + " with "
                        + shorten(TextNode.valueOf(text.substring(start, end))) + " repeated " + times + " times at " + start);
            }
            default -> {
                Slot other = choices.oneOf(slots);
                slot.set(other.node().deepCopy());
                log.add("copy " + other.path() + " to " + slot.path());
            }
        }
    }

    /** About the number of nodes, a long string counting as many: what bounds the size of a mutated tree. */
    private static boolean structured(String text) {
        for (int i = 0; i < Math.min(text.length(), 300); i++) {
            if (":/.%@[".indexOf(text.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean parsed(Slot slot) {
        String field = slot.field() != null ? slot.field() : slot.up() != null ? slot.up().field() : null;
        return field != null && PARSED.contains(field);
    }

    private static long weight(JsonNode tree) {
        long weight = 1 + (tree.isTextual() ? tree.asText().length() / 16 : 0);
        for (JsonNode child : tree) {
            weight += weight(child);
        }
        return weight;
    }

    private static void collect(JsonNode container, Slot up, List<Slot> slots) {
        if (container instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Slot slot = new Slot(object, field.getKey(), -1, field.getValue(), up,
                        up != null && up.dull() || DULL.contains(field.getKey()));
                slots.add(slot);
                collect(field.getValue(), slot, slots);
            }
        } else if (container instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                Slot slot = new Slot(array, null, i, array.get(i), up, up != null && up.dull());
                slots.add(slot);
                collect(array.get(i), slot, slots);
            }
        }
    }

    /** A random subtree: from the root down, stopping at each level with some chance. */
    private static JsonNode subtree(JsonNode root, Choices choices, StringBuilder path) {
        JsonNode node = root;
        while (node.isContainerNode() && !node.isEmpty() && !choices.chance(25)) {
            int index = choices.pick(node.size());
            if (node.isObject()) {
                String name = "";
                Iterator<String> names = node.fieldNames();
                for (int i = 0; i <= index; i++) {
                    name = names.next();
                }
                path.append("/\"").append(name).append("\"");
                node = node.get(name);
            } else {
                path.append('/').append(index);
                node = node.get(index);
            }
        }
        return node;
    }

    private static String string(Choices choices) {
        return switch (choices.pick(4)) {
            case 0 -> choices.oneOf(HOSTILE_STRINGS);
            case 1, 2 -> choices.oneOf(Seeds.strings());
            default -> choices.text(40);
        };
    }

    private static String fieldName(Choices choices) {
        return switch (choices.pick(4)) {
            case 0, 1 -> choices.oneOf(Seeds.fieldNames());
            case 2 -> choices.oneOf(HOSTILE_STRINGS);
            default -> choices.text(20);
        };
    }

    static JsonNode oddValue(Choices choices) {
        return switch (choices.pick(8)) {
            case 0 -> BooleanNode.TRUE;
            case 1 -> BooleanNode.FALSE;
            case 2 -> JsonNodeFactory.instance.objectNode();
            case 3 -> JsonNodeFactory.instance.arrayNode();
            case 4 -> JsonNodeFactory.instance.arrayNode().add(NullNode.instance);
            case 5 -> JsonNodeFactory.instance.arrayNode().add(TextNode.valueOf(string(choices)));
            case 6 -> TextNode.valueOf(string(choices));
            default -> oddNumber(choices);
        };
    }

    static JsonNode oddNumber(Choices choices) {
        return switch (choices.pick(20)) {
            case 0 -> IntNode.valueOf(0);
            case 1 -> IntNode.valueOf(-1);
            case 2 -> IntNode.valueOf(1);
            case 3 -> IntNode.valueOf(65535);
            case 4 -> IntNode.valueOf(65536);
            case 5 -> IntNode.valueOf(Integer.MAX_VALUE);
            case 6 -> IntNode.valueOf(Integer.MIN_VALUE);
            case 7 -> LongNode.valueOf(Integer.MAX_VALUE + 1L);
            case 8 -> LongNode.valueOf(Long.MAX_VALUE);
            case 9 -> LongNode.valueOf(Long.MIN_VALUE);
            case 10 -> BigIntegerNode.valueOf(BigInteger.TWO.pow(64).add(BigInteger.valueOf(80)));
            case 11 -> BigIntegerNode.valueOf(BigInteger.TEN.pow(choices.chance(50) ? 999 : 1000));
            case 12 -> DoubleNode.valueOf(1.5);
            case 13 -> DoubleNode.valueOf(-0.0);
            case 14 -> DoubleNode.valueOf(1e308);
            case 15 -> DecimalNode.valueOf(new BigDecimal("1e400"));
            case 16 -> DecimalNode.valueOf(new BigDecimal("1e-400"));
            case 17 -> DecimalNode.valueOf(new BigDecimal("443.0"));
            case 18 -> DecimalNode.valueOf(new BigDecimal("1E+1000000000"));
            default -> IntNode.valueOf(choices.between(-70_000, 70_000));
        };
    }

    private static String shorten(JsonNode value) {
        String text = value.isTextual() && value.asText().length() > 200
                ? TextNode.valueOf(value.asText().substring(0, 200)).toString() + "...(" + value.asText().length() + " characters)"
                : value.toString();
        return text.length() > 60 ? text.substring(0, 60) + "...(" + text.length() + ")" : text;
    }

    private static byte[] write(JsonNode root, Format format, Choices choices, List<String> log) {
        String text;
        try {
            if (format == Format.MANIFEST_BYTES && root.isArray()) {
                text = switch (choices.pick(4)) {
                    case 0 -> {
                        log.add("written as a JSON array");
                        yield Manifests.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
                    }
                    case 1 -> {
                        log.add("written as a JSON List");
                        ObjectNode list = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "List");
                        list.set("items", root);
                        yield Manifests.JSON.writeValueAsString(list);
                    }
                    default -> {
                        StringBuilder documents = new StringBuilder();
                        for (JsonNode document : root) {
                            documents.append(YAML.writeValueAsString(document));
                        }
                        yield documents.toString();
                    }
                };
            } else if (format == Format.MANIFEST_BYTES && choices.chance(50)) {
                text = YAML.writeValueAsString(root);
            } else {
                text = choices.chance(50) ? Manifests.JSON.writeValueAsString(root)
                        : Manifests.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
            }
        } catch (JsonProcessingException e) {
            log.add("not writable (" + e.getOriginalMessage() + "), written as text");
            text = root.toString();
        }
        return nest(text).getBytes(StandardCharsets.UTF_8);
    }

    /** Replaces each nesting mark (a string value, quoted or not) with that many nested arrays or objects. */
    private static String nest(String text) {
        StringBuilder nested = new StringBuilder(text.length());
        int from = 0;
        for (int mark = text.indexOf(NEST_MARK); mark >= 0; mark = text.indexOf(NEST_MARK, from)) {
            int digits = mark + NEST_MARK.length();
            int end = digits;
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            int after = end + 2;
            boolean whole = (after >= text.length() || "\"\n,]}".indexOf(text.charAt(after)) >= 0)
                    && mark > 0 && "\" ".indexOf(text.charAt(mark - 1)) >= 0;
            if (end == digits || end - digits > 4 || end + 1 >= text.length() || text.charAt(end) != '_'
                    || "ao".indexOf(text.charAt(end + 1)) < 0 || !whole) {
                nested.append(text, from, digits);
                from = digits;
                continue;
            }
            int depth = Integer.parseInt(text.substring(digits, end));
            boolean array = text.charAt(end + 1) == 'a';
            int start = mark > 0 && text.charAt(mark - 1) == '"' ? mark - 1 : mark;
            if (start < mark && after < text.length() && text.charAt(after) == '"') {
                after++;
            }
            nested.append(text, from, start);
            nested.append((array ? "[" : "{\"a\":").repeat(depth)).append('1').append((array ? "]" : "}").repeat(depth));
            from = after;
        }
        nested.append(text, from, text.length());
        return nested.toString();
    }

    private static byte[] breakBytes(byte[] bytes, Format format, Choices choices, List<String> log) {
        int at = bytes.length == 0 ? 0 : choices.pick(bytes.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
        switch (choices.pick(format == Format.MANIFEST_BYTES ? 8 : 7)) {
            case 0 -> {
                log.add("truncated at byte " + at);
                out.write(bytes, 0, at);
            }
            case 1 -> {
                byte[] bad = choices.oneOf(BAD_BYTES);
                log.add("bytes " + hex(bad) + " inserted at " + at);
                out.write(bytes, 0, at);
                out.writeBytes(bad);
                out.write(bytes, at, bytes.length - at);
            }
            case 2 -> {
                byte[] random = choices.bytes(16);
                log.add("bytes " + hex(random) + " inserted at " + at);
                out.write(bytes, 0, at);
                out.writeBytes(random);
                out.write(bytes, at, bytes.length - at);
            }
            case 3 -> {
                int length = Math.min(bytes.length - at, choices.between(1, 64));
                log.add(length + " bytes deleted at " + at);
                out.write(bytes, 0, at);
                out.write(bytes, at + length, bytes.length - at - length);
            }
            case 4 -> {
                int length = Math.min(bytes.length - at, choices.between(1, 64));
                log.add(length + " bytes at " + at + " repeated");
                out.write(bytes, 0, at + length);
                out.write(bytes, at, bytes.length - at);
            }
            case 5 -> {
                String text = choices.oneOf(List.of("\ufeff", " \n\t", "null", "[]", "{}", "\"x\"", "1", "}", "]",
                        "{\"a\":", "/*", "//", "#", "---\n"));
                log.add(shorten(TextNode.valueOf(text)) + " prepended");
                out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
                out.writeBytes(bytes);
            }
            case 6 -> {
                out.writeBytes(bytes);
                if (bytes.length > 0) {
                    byte[] copy = out.toByteArray();
                    int index = Math.min(at, copy.length - 1);
                    copy[index] = (byte) choices.pick(256);
                    log.add("byte " + index + " set to " + hex(new byte[] {copy[index]}));
                    return copy;
                }
            }
            default -> {
                String snippet = choices.oneOf(YAML_SNIPPETS);
                int line = lineStart(bytes, at);
                log.add("YAML " + shorten(TextNode.valueOf(snippet)) + " inserted at byte " + line);
                out.write(bytes, 0, line);
                out.writeBytes(snippet.getBytes(StandardCharsets.UTF_8));
                out.write(bytes, line, bytes.length - line);
            }
        }
        return out.toByteArray();
    }

    private static int lineStart(byte[] bytes, int at) {
        int line = Math.min(at, bytes.length);
        while (line > 0 && bytes[line - 1] != '\n') {
            line--;
        }
        return line;
    }

    private static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02x", b & 0xff));
        }
        return hex.toString();
    }
}
