package io.seedbootstrap.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What ArgoCD's ApplicationSet controller makes of an ApplicationSet with one cluster generator
 * and {@code goTemplate: true}, for given ArgoCD cluster Secrets, computed as upstream does:
 * <ul>
 * <li>selection: the generator's {@code selector.matchLabels} plus the label
 * {@code argocd.argoproj.io/secret-type: cluster} (argo-cd applicationset/generators/cluster.go
 * getSecretsByClusterName, AddLabelToSelector); with a non-empty selector the local cluster
 * without a Secret is left out;</li>
 * <li>parameters per cluster Secret (Generators-Cluster.md, cluster.go GenerateParams): {@code name},
 * {@code nameNormalized} (sanitizeName: lower case, every character outside [-a-z0-9.] becomes
 * '-', at most 253, '-' and '.' trimmed from both ends), {@code server}, {@code project}, and with
 * Go templates the maps {@code metadata.labels} and {@code metadata.annotations};</li>
 * <li>rendering: every string of {@code spec.template} goes through text/template with the
 * parameters (applicationset/utils Render, deeplyReplace over the template's strings), with
 * {@code missingkey=error}: a field of a missing key is an error, while {@code index} of a
 * missing map key is the zero value "" (text/template "index").</li>
 * </ul>
 * Only the actions seed-bootstrap writes are understood ({@code {{.a.b}}},
 * {@code {{index .a.b "key"}}} / {@code `key`} and {@code {{or (index .a.b `key`) `fallback`}}});
 * anything else fails the test, so a template
 * we start writing differently cannot pass unread.
 */
final class ClusterGenerator {
    /** A cluster Secret as ArgoCD reads it: its data fields (decoded) and its metadata. */
    record ClusterSecret(String name, String server, String project, Map<String, String> labels, Map<String, String> annotations) {}

    private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
    private static final Pattern FIELD = Pattern.compile("^\\.([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)$");
    private static final Pattern INDEX = Pattern.compile("^index\\s+\\.([A-Za-z_][A-Za-z0-9_.]*)\\s+(?:\"([^\"]*)\"|`([^`]*)`)$");
    private static final Pattern OR_INDEX = Pattern.compile("^or\\s+\\((index\\s+[^)]*)\\)\\s+(?:\"([^\"]*)\"|`([^`]*)`)$");

    private ClusterGenerator() {}

    /** The Applications (as JSON) the ApplicationSet generates for {@code clusters}. */
    static List<JsonNode> applications(JsonNode applicationSet, List<ClusterSecret> clusters) {
        JsonNode spec = applicationSet.path("spec");
        if (!spec.path("goTemplate").asBoolean(false)) {
            throw new AssertionError("only goTemplate ApplicationSets are computed here");
        }
        JsonNode generators = spec.path("generators");
        if (generators.size() != 1 || !generators.get(0).has("clusters")) {
            throw new AssertionError("one cluster generator expected: " + generators);
        }
        JsonNode matchLabels = generators.get(0).path("clusters").path("selector").path("matchLabels");
        List<JsonNode> applications = new ArrayList<>();
        for (ClusterSecret cluster : clusters) {
            if (!selected(cluster, matchLabels)) {
                continue;
            }
            JsonNode application = render(spec.path("template").deepCopy(), parameters(cluster));
            ((ObjectNode) application).put("apiVersion", "argoproj.io/v1alpha1").put("kind", "Application");
            applications.add(application);
        }
        return applications;
    }

    private static boolean selected(ClusterSecret cluster, JsonNode matchLabels) {
        if (!"cluster".equals(cluster.labels().get("argocd.argoproj.io/secret-type"))) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> label = it.next();
            if (!label.getValue().asText().equals(cluster.labels().get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }

    static Map<String, Object> parameters(ClusterSecret cluster) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("name", cluster.name());
        parameters.put("nameNormalized", sanitizeName(cluster.name()));
        parameters.put("server", cluster.server());
        parameters.put("project", cluster.project() == null ? "" : cluster.project());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("labels", cluster.labels());
        metadata.put("annotations", cluster.annotations());
        parameters.put("metadata", metadata);
        return parameters;
    }

    /** cluster.go sanitizeName. */
    static String sanitizeName(String name) {
        String normalized = name.toLowerCase(Locale.ROOT).replaceAll("[^-a-z0-9.]", "-");
        if (normalized.length() > 253) {
            normalized = normalized.substring(0, 253);
        }
        return normalized.replaceAll("^[-.]+|[-.]+$", "");
    }

    private static JsonNode render(JsonNode node, Map<String, Object> parameters) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                object.set(name, render(object.get(name), parameters));
            }
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, render(array.get(i), parameters));
            }
            return array;
        }
        return node.isTextual() ? TextNode.valueOf(renderText(node.asText(), parameters)) : node;
    }

    static String renderText(String text, Map<String, Object> parameters) {
        Matcher matcher = ACTION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(evaluate(matcher.group(1), parameters)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String evaluate(String action, Map<String, Object> parameters) {
        Matcher field = FIELD.matcher(action);
        if (field.matches()) {
            Object value = lookup(parameters, field.group(1));
            if (value instanceof Map<?, ?>) {
                throw new AssertionError("{{" + action + "}} is a map, not a value");
            }
            return String.valueOf(value);
        }
        Matcher index = INDEX.matcher(action);
        if (index.matches()) {
            return index(index, action, parameters);
        }
        Matcher or = OR_INDEX.matcher(action);
        if (or.matches()) {
            // text/template "or": the first argument that is not empty (false, 0, nil, "")
            Matcher inner = INDEX.matcher(or.group(1));
            if (!inner.matches()) {
                throw new AssertionError("template action not understood here: {{" + action + "}}");
            }
            String first = index(inner, action, parameters);
            return !first.isEmpty() ? first : or.group(2) != null ? or.group(2) : or.group(3);
        }
        throw new AssertionError("template action not understood here: {{" + action + "}}");
    }

    private static String index(Matcher index, String action, Map<String, Object> parameters) {
        Object map = lookup(parameters, index.group(1));
        if (!(map instanceof Map<?, ?> m)) {
            throw new AssertionError("index of a non-map in {{" + action + "}}");
        }
        Object value = m.get(index.group(2) != null ? index.group(2) : index.group(3));
        return value == null ? "" : String.valueOf(value);
    }

    /** missingkey=error: a missing key on the way is an error ("map has no entry for key"). */
    private static Object lookup(Map<String, Object> parameters, String path) {
        Object current = parameters;
        for (String key : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
                throw new AssertionError("map has no entry for key \"" + key + "\" (." + path + ", missingkey=error)");
            }
            current = map.get(key);
        }
        return current;
    }
}
