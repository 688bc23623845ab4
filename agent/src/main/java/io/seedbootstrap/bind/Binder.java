package io.seedbootstrap.bind;

import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.bind.source.RawNode.RawList;
import io.seedbootstrap.bind.source.RawNode.RawMap;
import io.seedbootstrap.bind.source.RawNode.RawScalar;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.bind.source.YamlSource;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.Secret;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Binds a {@link RawNode} tree to the inventory records, checking as it goes: unknown keys (with
 * a suggestion), duplicates, missing required keys, types, formats, ranges, enum values and
 * environment references. It never stops at the first problem: every finding goes to the
 * {@link Diagnostics}, and placeholders keep the walk going. The records' annotations are the
 * single description of the format; {@link SchemaGenerator} publishes the same description as
 * JSON Schema.
 *
 * <p>Annotation rules: {@link Format} on a list applies to its items, on a map to its keys.
 */
public final class Binder {
    private final Environment environment;
    private final Path baseDirectory;
    private final Path homeDirectory;
    private final Diagnostics diagnostics;
    private final Map<String, Position> positions = new LinkedHashMap<>();
    private final java.util.Set<String> explicitPaths = new java.util.HashSet<>();

    public Binder(Environment environment, Path baseDirectory, Path homeDirectory, Diagnostics diagnostics) {
        this.environment = environment;
        this.baseDirectory = baseDirectory;
        this.homeDirectory = homeDirectory;
        this.diagnostics = diagnostics;
    }

    /** Where each YAML path was found, for checks that run after binding. */
    public Map<String, Position> positions() {
        return Collections.unmodifiableMap(positions);
    }

    /** Paths the input actually wrote (as opposed to defaults). */
    public java.util.Set<String> explicitPaths() {
        return Collections.unmodifiableSet(explicitPaths);
    }

    /**
     * The record as the binder builds it when its section is absent: every default applied
     * (required keys left empty). Used to leave defaults out of generated inventories.
     */
    public static <T extends Record> T defaults(Class<T> type, Path baseDirectory, Path homeDirectory) {
        Binder binder = new Binder(Environment.of(Map.of()), baseDirectory, homeDirectory, new Diagnostics());
        return type.cast(binder.bindRecord(null, type, "", Position.unknown(null), false));
    }

    public <T extends Record> T bind(RawNode root, Class<T> type) {
        return type.cast(bindRecord(root, type, "", root.position(), true));
    }

    private Object bindRecord(RawNode node, Class<?> type, String path, Position fallback) {
        return bindRecord(node, type, path, fallback, true);
    }

    /**
     * @param reportMissing false when the node was not a mapping at all: one error says so, and
     *     the record is built from defaults without listing every missing key as well
     */
    private Object bindRecord(RawNode node, Class<?> type, String path, Position fallback, boolean reportMissing) {
        Position here = node != null ? node.position() : fallback;
        positions.putIfAbsent(path, here);
        Map<String, RawNode.Entry> entries = Map.of();
        if (node instanceof RawMap map) {
            entries = map.entries();
            for (RawNode.Entry duplicate : map.duplicates()) {
                Position first = map.entries().get(duplicate.key()).keyPosition();
                diagnostics.error(duplicate.keyPosition(), join(path, duplicate.key()),
                        "duplicate key \"" + duplicate.key() + "\" (first set at line " + first.line() + "); keep one of them");
            }
        } else if (node != null && !isNull(node)) {
            diagnostics.error(here, path, "expected a mapping of keys, found " + node.describe());
            return bindRecord(null, type, path, here, false);
        }
        RecordComponent[] components = type.getRecordComponents();
        List<String> known = Arrays.stream(components).map(RecordComponent::getName).toList();
        java.util.Set<String> suggested = new java.util.HashSet<>();
        for (RawNode.Entry entry : entries.values()) {
            if (!known.contains(entry.key())) {
                Suggestions.closest(entry.key(), known).ifPresent(suggested::add);
                diagnostics.error(entry.keyPosition(), join(path, entry.key()), unknownKeyMessage(entry.key(), known));
            }
        }
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            RawNode.Entry entry = entries.get(component.getName());
            String childPath = join(path, component.getName());
            if (entry == null && suggested.contains(component.getName())) {
                // already reported as a misspelling of this key: "missing" would say the same twice
                values[i] = bindComponent(component, null, childPath, here, false);
                continue;
            }
            values[i] = bindComponent(component, entry, childPath, here, reportMissing);
        }
        return construct(type, values);
    }

    private Object bindComponent(RecordComponent component, RawNode.Entry entry, String path, Position parent, boolean reportMissing) {
        Type type = component.getGenericType();
        Class<?> raw = rawClass(type);
        boolean absent = entry == null || isNull(entry.value());
        if (absent) {
            if (component.isAnnotationPresent(Required.class)) {
                Position at = entry != null ? entry.keyPosition() : parent;
                if (reportMissing) {
                    diagnostics.error(at, path, "missing required key \"" + lastSegment(path) + "\"" + describeField(component));
                }
                return raw.isRecord() ? bindRecord(null, raw, path, parent, false) : placeholder(raw);
            }
            Default fallback = component.getAnnotation(Default.class);
            if (fallback != null) {
                RawNode parsed = YamlSource.parse(null, "value: " + fallback.value()).root();
                RawNode value = relocate(((RawMap) parsed).entries().get("value").value(), parent);
                return bindValue(value, type, component, path);
            }
            positions.putIfAbsent(path, entry != null ? entry.keyPosition() : parent);
            // Sections whose keys are all optional exist with their defaults; an absent record
            // with required keys of its own (a jump host, a Git repo) means "not configured".
            if (raw.isRecord() && !hasRequiredComponent(raw)) {
                return bindRecord(null, raw, path, parent);
            }
            return emptyOf(raw);
        }
        positions.put(path, entry.value().position());
        explicitPaths.add(path);
        return bindValue(entry.value(), type, component, path);
    }

    /** A default's parsed tree, placed at the position of the section that lacks the key. */
    private static RawNode relocate(RawNode node, Position position) {
        if (node instanceof RawMap map) {
            Map<String, RawNode.Entry> entries = new LinkedHashMap<>();
            map.entries().values().forEach(e -> entries.put(e.key(), new RawNode.Entry(e.key(), position, relocate(e.value(), position))));
            return new RawMap(position, entries);
        }
        if (node instanceof RawList list) {
            return new RawList(position, list.items().stream().map(i -> relocate(i, position)).toList());
        }
        RawScalar scalar = (RawScalar) node;
        return new RawScalar(position, scalar.text(), scalar.kind());
    }

    private Object bindValue(RawNode node, Type type, RecordComponent component, String path) {
        Class<?> raw = rawClass(type);
        positions.putIfAbsent(path, node.position());
        if (raw.isRecord()) {
            return bindRecord(node, raw, path, node.position());
        }
        if (List.class.equals(raw)) {
            return bindList(node, ((ParameterizedType) type).getActualTypeArguments()[0], component, path);
        }
        if (Map.class.equals(raw)) {
            return bindMap(node, ((ParameterizedType) type).getActualTypeArguments()[1], component, path);
        }
        return bindScalar(node, raw, component, path);
    }

    private List<Object> bindList(RawNode node, Type itemType, RecordComponent component, String path) {
        if (!(node instanceof RawList list)) {
            diagnostics.error(node.position(), path, "expected a list, found " + node.describe()
                    + (node instanceof RawScalar ? "; write it as [" + ((RawScalar) node).text() + "] or one \"- item\" per line" : ""));
            return List.of();
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Object item = bindValue(list.items().get(i), itemType, component, path + "[" + i + "]");
            if (item != null) {
                items.add(item);
            }
        }
        return Collections.unmodifiableList(items);
    }

    private Map<String, Object> bindMap(RawNode node, Type valueType, RecordComponent component, String path) {
        if (!(node instanceof RawMap map)) {
            diagnostics.error(node.position(), path, "expected a mapping of keys, found " + node.describe());
            return Map.of();
        }
        Format keyFormat = component.getAnnotation(Format.class);
        Map<String, Object> out = new LinkedHashMap<>();
        for (RawNode.Entry duplicate : map.duplicates()) {
            diagnostics.error(duplicate.keyPosition(), mapPath(path, duplicate.key()),
                    "duplicate key \"" + duplicate.key() + "\"; keep one of them");
        }
        for (RawNode.Entry entry : map.entries().values()) {
            String childPath = mapPath(path, entry.key());
            positions.put(childPath, entry.value().position());
            if (keyFormat != null && !keyFormat.value().matches(entry.key())) {
                diagnostics.error(entry.keyPosition(), childPath,
                        "\"" + entry.key() + "\" is not " + keyFormat.value().description());
            }
            Object value;
            if (Object.class.equals(valueType)) {
                value = toPlain(entry.value(), childPath);
            } else if (String.class.equals(valueType)) {
                value = isNull(entry.value()) ? "" : scalarText(entry.value(), childPath, "text");
            } else {
                value = bindValue(entry.value(), valueType, component, childPath);
            }
            out.put(entry.key(), value);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Free-form values (extra RKE2 config): plain Java maps, lists and scalars. */
    private Object toPlain(RawNode node, String path) {
        if (node instanceof RawMap map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.entries().values().forEach(e -> out.put(e.key(), toPlain(e.value(), mapPath(path, e.key()))));
            return Collections.unmodifiableMap(out);
        }
        if (node instanceof RawList list) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                out.add(toPlain(list.items().get(i), path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        RawScalar scalar = (RawScalar) node;
        return switch (scalar.kind()) {
            case NULL -> null;
            case BOOLEAN -> parseBoolean(scalar.text());
            case INTEGER -> parseWhole(scalar.text());
            case FLOAT -> Double.valueOf(scalar.text());
            case STRING -> {
                Substituted text = substitute(scalar, path, false);
                // a free-form value from the environment may be a secret (etcd-s3-secret-key): kept as one, so it is
                // redacted wherever it is shown or logged and revealed only into the host's file (ConfigYaml)
                yield text.value() != null && text.variable() != null
                        ? Secret.fromReference(text.value(), scalar.text(), text.variable()) : text.value();
            }
        };
    }

    private Object bindScalar(RawNode node, Class<?> raw, RecordComponent component, String path) {
        if (!(node instanceof RawScalar scalar)) {
            diagnostics.error(node.position(), path, "expected " + expected(raw) + ", found " + node.describe());
            return placeholder(raw);
        }
        if (Secret.class.equals(raw)) {
            Substituted text = substitute(scalar, path, true);
            if (text.value() == null) {
                return null;
            }
            if (text.variable() == null) {
                diagnostics.warning(scalar.position(), path,
                        "a secret is written in the file in plain text; reference an environment variable instead, e.g. ${SEED_"
                                + lastSegment(path).replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT) + "}");
                return Secret.literal(text.value());
            }
            return Secret.fromEnv(text.value(), text.variable());
        }
        Substituted substituted = substitute(scalar, path, false);
        String text = substituted.value();
        if (text == null) {
            return placeholder(raw);
        }
        boolean fromEnv = substituted.variable() != null;
        if (String.class.equals(raw)) {
            if (scalar.kind() != RawScalar.Kind.STRING && scalar.kind() != RawScalar.Kind.INTEGER && !fromEnv) {
                diagnostics.error(scalar.position(), path, "expected text, found " + scalar.describe()
                        + "; put it in quotes if it is meant as text");
                return null;
            }
            checkFormat(component, text, scalar.position(), path);
            return text;
        }
        if (Path.class.equals(raw)) {
            try {
                return resolvePath(text);
            } catch (java.nio.file.InvalidPathException e) { // e.g. a NUL character (found by AnsibleFuzzTest)
                diagnostics.error(scalar.position(), path, "is not a usable file path (" + e.getReason() + ")");
                return null;
            }
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            if ((scalar.kind() != RawScalar.Kind.INTEGER && !fromEnv) || !text.trim().matches("^[-+]?[0-9]{1,18}$")) {
                diagnostics.error(scalar.position(), path, "expected a whole number, found " + scalar.describe());
                return placeholder(raw);
            }
            long value = Long.parseLong(text.trim());
            Range range = component.getAnnotation(Range.class);
            if (range != null && (value < range.min() || value > range.max())) {
                diagnostics.error(scalar.position(), path, "must be between " + range.min() + " and " + range.max() + ", found " + value);
            }
            boolean small = raw == int.class || raw == Integer.class;
            if (small && (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE)) {
                return placeholder(raw);
            }
            return small ? (Object) (int) value : (Object) value;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            Boolean value = scalar.kind() == RawScalar.Kind.BOOLEAN || fromEnv ? parseBoolean(text) : null;
            if (value == null) {
                diagnostics.error(scalar.position(), path, "expected true or false, found " + scalar.describe());
                return false;
            }
            return value;
        }
        if (raw.isEnum()) {
            return bindEnum(raw, text, scalar, path);
        }
        throw new IllegalStateException("no binding for " + raw + " at " + path);
    }

    private Object bindEnum(Class<?> raw, String text, RawScalar scalar, String path) {
        Map<String, Object> byKey = new LinkedHashMap<>();
        for (Object constant : raw.getEnumConstants()) {
            byKey.put(enumKey((Enum<?>) constant), constant);
        }
        Object match = byKey.get(text);
        if (match == null) {
            Optional<String> suggestion = Suggestions.closest(text, byKey.keySet());
            diagnostics.error(scalar.position(), path, "\"" + text + "\" is not a valid " + lastSegment(path) + "; use one of: "
                    + String.join(", ", byKey.keySet()) + suggestion.map(s -> " (did you mean \"" + s + "\"?)").orElse(""));
        }
        return match;
    }

    /** The YAML spelling of an enum constant: INGRESS_NGINX is "ingress-nginx". */
    public static String enumKey(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private void checkFormat(RecordComponent component, String text, Position position, String path) {
        Format format = component.getAnnotation(Format.class);
        if (format != null && !format.value().matches(text)) {
            diagnostics.error(position, path, "\"" + text + "\" is not " + format.value().description());
        }
    }

    private record Substituted(String value, String variable) {}

    private Substituted substitute(RawScalar scalar, String path, boolean secret) {
        if (scalar.kind() != RawScalar.Kind.STRING) {
            return new Substituted(scalar.text(), null);
        }
        EnvSubstitution.Result result = EnvSubstitution.apply(scalar.text(), environment);
        for (String problem : result.problems()) {
            diagnostics.error(scalar.position(), path, problem);
        }
        if (!result.problems().isEmpty()) {
            return new Substituted(null, null);
        }
        return new Substituted(result.text(), result.hasReferences() ? result.variables().get(0) : null);
    }

    private String scalarText(RawNode node, String path, String what) {
        if (node instanceof RawScalar scalar) {
            return substitute(scalar, path, false).value();
        }
        diagnostics.error(node.position(), path, "expected " + what + ", found " + node.describe());
        return null;
    }

    private Path resolvePath(String text) {
        Path path;
        if (text.equals("~") || text.startsWith("~/")) {
            path = homeDirectory.resolve(text.length() <= 2 ? "" : text.substring(2));
        } else {
            path = Path.of(text);
        }
        return (path.isAbsolute() ? path : baseDirectory.resolve(path)).normalize();
    }

    private static String unknownKeyMessage(String key, List<String> known) {
        Optional<String> suggestion = Suggestions.closest(key, known);
        return suggestion.map(s -> "unknown key \"" + key + "\"; did you mean \"" + s + "\"?")
                .orElseGet(() -> "unknown key \"" + key + "\"; allowed keys here: " + String.join(", ", known));
    }

    private static String describeField(RecordComponent component) {
        Doc doc = component.getAnnotation(Doc.class);
        return doc == null ? "" : " (" + firstSentence(doc.value()) + ")";
    }

    private static boolean hasRequiredComponent(Class<?> type) {
        return Arrays.stream(type.getRecordComponents()).anyMatch(c -> c.isAnnotationPresent(Required.class));
    }

    private static String firstSentence(String text) {
        java.util.regex.Matcher end = java.util.regex.Pattern.compile("\\. [A-Z]").matcher(text);
        String sentence = end.find() ? text.substring(0, end.start()) : text;
        return sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
    }

    private static Boolean parseBoolean(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Boolean.TRUE;
            case "false", "no", "off" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static Object parseWhole(String text) {
        try {
            long value = Long.decode(text.replace("_", ""));
            return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? (Object) (int) value : (Object) value;
        } catch (NumberFormatException e) {
            return text;
        }
    }

    static boolean isNull(RawNode node) {
        return node instanceof RawScalar scalar && scalar.kind() == RawScalar.Kind.NULL;
    }

    private static String expected(Class<?> raw) {
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return "a whole number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true or false";
        }
        if (raw.isEnum()) {
            return "one of " + Arrays.stream(raw.getEnumConstants()).map(c -> enumKey((Enum<?>) c)).collect(Collectors.joining(", "));
        }
        return raw == Path.class ? "a file path" : "text";
    }

    private static Object placeholder(Class<?> raw) {
        if (raw == int.class) {
            return 0;
        }
        if (raw == long.class) {
            return 0L;
        }
        if (raw == boolean.class) {
            return false;
        }
        return emptyOf(raw);
    }

    private static Object emptyOf(Class<?> raw) {
        if (List.class.equals(raw)) {
            return List.of();
        }
        if (Map.class.equals(raw)) {
            return Map.of();
        }
        return raw.isPrimitive() ? placeholder(raw) : null;
    }

    private static Object construct(Class<?> type, Object[] values) {
        Class<?>[] parameterTypes = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null && parameterTypes[i].isPrimitive()) {
                values[i] = placeholder(parameterTypes[i]);
            }
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(parameterTypes);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported type " + type);
    }

    public static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Map keys with dots or slashes (label keys) are quoted: labels["app/cert-manager"]. */
    public static String mapPath(String path, String key) {
        return key.matches("^[A-Za-z0-9_-]+$") ? join(path, key) : path + "[\"" + key + "\"]";
    }

    private static String lastSegment(String path) {
        int dot = path.lastIndexOf('.');
        String last = dot < 0 ? path : path.substring(dot + 1);
        int bracket = last.indexOf('[');
        return bracket < 0 ? last : last.substring(0, bracket);
    }
}
