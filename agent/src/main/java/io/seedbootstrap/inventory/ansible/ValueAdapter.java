package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.RawNode.RawList;
import io.seedbootstrap.bind.source.RawNode.RawMap;
import io.seedbootstrap.bind.source.RawNode.RawScalar.Kind;
import io.seedbootstrap.bind.source.RawNode.RawScalar;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Var;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an Ansible value into what the binder expects for the field it sets. Ansible values are
 * loosely typed (an INI {@code 22} may arrive as text, {@code yes} is true, a list may be a
 * comma-separated string), so each value is shaped by the Java type of its field. A Jinja
 * template or a Vault-encrypted value is never evaluated: it becomes a {@code ${ENV}} reference,
 * with a warning naming the variable to export. Literal {@code ${} in an Ansible value is
 * escaped ({@code $${}), since Ansible does not expand it either.
 */
final class ValueAdapter {
    private static final Pattern LOOKUP_ENV = Pattern.compile(
            "^\\s*\\{\\{\\s*lookup\\(\\s*['\"](?:ansible\\.builtin\\.)?env['\"]\\s*,\\s*['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]\\s*\\)\\s*}}\\s*$");

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,18}");

    private final Diagnostics diagnostics;
    private final Set<String> reported = new HashSet<>();

    ValueAdapter(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /**
     * The value for a field of the given type, or null when it cannot be used (already reported).
     *
     * @param envNames the environment variable a template is replaced with (computed only then)
     */
    RawNode adapt(Var var, Type type, java.util.function.Supplier<String> envNames) {
        RawNode value = var.value();
        boolean vaulted = Values.isVaulted(value);
        if (vaulted || Values.isTemplated(value)) {
            String where = "the value" + (var.scope() == null ? "" : " for " + var.scope().describe());
            String what = vaulted ? "is encrypted with Ansible Vault, which seed-bootstrap does not decrypt"
                    : "is a Jinja template, which seed-bootstrap does not evaluate";
            Matcher lookup = LOOKUP_ENV.matcher(value instanceof RawScalar s ? s.text() : "");
            if (!vaulted && lookup.matches()) {
                once(var, lookup.group(1), () -> diagnostics.note(var.keyPosition(), var.name(), where
                        + " reads the environment variable " + lookup.group(1) + " (lookup('env')); seed-bootstrap reads it too"));
                return new RawScalar(value.position(), "${" + lookup.group(1) + "}", Kind.STRING);
            }
            Class<?> raw = AnsibleVariables.raw(type);
            if (!(value instanceof RawScalar) || List.class.equals(raw) || Map.class.equals(raw) || raw.isRecord()) {
                once(var, "", () -> diagnostics.error(var.keyPosition(), var.name(), where + " " + what
                        + ", and a list or mapping cannot come from an environment variable; write the value out"));
                return null;
            }
            String envName = envNames.get();
            once(var, envName, () -> diagnostics.warning(var.keyPosition(), var.name(), where + " " + what
                    + "; it is read from the environment variable " + envName + " instead (export it)"));
            return new RawScalar(value.position(), "${" + envName + "}", Kind.STRING);
        }
        return coerce(value, type, var.name());
    }

    private void once(Var var, String detail, Runnable report) {
        if (reported.add(var.keyPosition() + "|" + var.name() + "|" + detail)) {
            report.run();
        }
    }

    RawNode coerce(RawNode value, Type type, String variable) {
        Class<?> raw = AnsibleVariables.raw(type);
        if (List.class.equals(raw)) {
            return list(value, ((ParameterizedType) type).getActualTypeArguments()[0], variable);
        }
        if (Map.class.equals(raw)) {
            return map(value, ((ParameterizedType) type).getActualTypeArguments()[1], variable);
        }
        if (raw.isRecord()) {
            RawNode parsed = parseText(value);
            if (parsed instanceof RawMap map) {
                Map<String, RawNode.Entry> entries = new LinkedHashMap<>();
                for (RawNode.Entry entry : map.entries().values()) {
                    Type fieldType = fieldType(raw, entry.key());
                    entries.put(entry.key(), new RawNode.Entry(entry.key(), entry.keyPosition(),
                            fieldType == null ? escape(entry.value()) : coerce(entry.value(), fieldType, variable)));
                }
                return new RawMap(map.position(), entries, map.duplicates());
            }
            return escape(parsed);
        }
        if (!(value instanceof RawScalar scalar) || scalar.kind() == Kind.NULL) {
            return escape(value);
        }
        String text = scalar.text();
        if (raw == boolean.class || raw == Boolean.class) {
            Boolean bool = switch (text.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1", "y" -> Boolean.TRUE;
                case "false", "no", "off", "0", "n" -> Boolean.FALSE;
                default -> null;
            };
            return bool == null ? escape(value) : new RawScalar(value.position(), bool.toString(), Kind.BOOLEAN);
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return scalar.kind() == Kind.STRING && WHOLE_NUMBER.matcher(text).matches()
                    ? new RawScalar(value.position(), text, Kind.INTEGER) : escape(value);
        }
        // text, paths, secrets and enums: whatever Ansible wrote, as text
        return escape(new RawScalar(value.position(), text, Kind.STRING));
    }

    /** A list: a real list, a list written as text ('["a","b"]' in [group:vars]), or comma-separated text. */
    private RawNode list(RawNode value, Type itemType, String variable) {
        RawNode parsed = parseText(value);
        if (parsed instanceof RawScalar scalar && scalar.kind() == Kind.STRING && !scalar.text().strip().startsWith("[")) {
            List<RawNode> items = new ArrayList<>();
            for (String item : scalar.text().split(",")) {
                if (!item.isBlank()) {
                    items.add(new RawScalar(value.position(), item.strip(), Kind.STRING));
                }
            }
            parsed = new RawList(value.position(), items);
        }
        if (parsed instanceof RawList list) {
            List<RawNode> items = new ArrayList<>();
            for (RawNode item : list.items()) {
                items.add(coerce(item, itemType, variable));
            }
            return new RawList(list.position(), items);
        }
        return escape(parsed);
    }

    /** A mapping: a real one, one written as text, or a list of key=value strings (node_labels='["a=b"]'). */
    private RawNode map(RawNode value, Type valueType, String variable) {
        RawNode parsed = parseText(value);
        if (parsed instanceof RawScalar scalar && scalar.kind() == Kind.STRING && scalar.text().contains("=")) {
            List<RawNode> items = new ArrayList<>();
            for (String item : scalar.text().split(",")) {
                items.add(new RawScalar(value.position(), item.strip(), Kind.STRING));
            }
            parsed = new RawList(value.position(), items);
        }
        if (parsed instanceof RawList list) {
            Map<String, RawNode.Entry> entries = new LinkedHashMap<>();
            List<RawNode.Entry> duplicates = new ArrayList<>();
            for (RawNode item : list.items()) {
                String text = Values.text(item);
                int equals = text == null ? -1 : text.indexOf('=');
                if (equals <= 0) {
                    diagnostics.error(item.position(), variable, "must list key=value pairs, e.g. [\"zone=a\"]; one item is not");
                    continue;
                }
                String key = text.substring(0, equals).strip();
                RawNode.Entry entry = new RawNode.Entry(key, item.position(),
                        escape(new RawScalar(item.position(), text.substring(equals + 1).strip(), Kind.STRING)));
                if (entries.putIfAbsent(key, entry) != null) {
                    duplicates.add(entry);
                }
            }
            return new RawMap(list.position(), entries, duplicates);
        }
        if (parsed instanceof RawMap map) {
            Map<String, RawNode.Entry> entries = new LinkedHashMap<>();
            for (RawNode.Entry entry : map.entries().values()) {
                RawNode item = Object.class.equals(valueType) ? escape(entry.value()) : coerce(entry.value(), valueType, variable);
                entries.put(entry.key(), new RawNode.Entry(entry.key(), entry.keyPosition(), item));
            }
            return new RawMap(map.position(), entries, map.duplicates());
        }
        return escape(parsed);
    }

    /** Text that holds a list or mapping literal becomes that list or mapping; anything else is unchanged. */
    static RawNode parseText(RawNode value) {
        if (value instanceof RawScalar scalar && scalar.kind() == Kind.STRING) {
            String text = scalar.text().strip();
            if (text.startsWith("[") || text.startsWith("{")) {
                RawNode parsed = PythonLiteral.parse(text, scalar.position());
                if (parsed instanceof RawList || parsed instanceof RawMap) {
                    return parsed;
                }
            }
        }
        return value;
    }

    private static Type fieldType(Class<?> record, String name) {
        for (RecordComponent component : record.getRecordComponents()) {
            if (component.getName().equals(name)) {
                return component.getGenericType();
            }
        }
        return null;
    }

    /** Ansible does not expand ${...}; our format does, so a literal one is escaped. */
    static RawNode escape(RawNode node) {
        if (node instanceof RawScalar scalar) {
            return scalar.kind() == Kind.STRING && scalar.text().contains("${")
                    ? new RawScalar(scalar.position(), scalar.text().replace("${", "$${"), Kind.STRING) : scalar;
        }
        if (node instanceof RawList list) {
            return new RawList(list.position(), list.items().stream().map(ValueAdapter::escape).toList());
        }
        RawMap map = (RawMap) node;
        Map<String, RawNode.Entry> entries = new LinkedHashMap<>();
        map.entries().forEach((k, e) -> entries.put(k, new RawNode.Entry(k, e.keyPosition(), escape(e.value()))));
        return new RawMap(map.position(), entries, map.duplicates());
    }

    /** SEED_ plus the words, upper case, anything else as '_': "node-1", "ssh.port" is SEED_NODE_1_SSH_PORT. */
    static String envName(String... words) {
        StringBuilder name = new StringBuilder("SEED");
        for (String word : words) {
            if (word != null && !word.isEmpty()) {
                name.append('_').append(AnsibleVariables.snake(word).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_"));
            }
        }
        return name.toString().replaceAll("_+", "_").replaceAll("_$", "");
    }

}
