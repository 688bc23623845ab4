package io.seedbootstrap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.bind.Binder;
import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Inventory;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each value {@code inventory show} prints came from: the file:line the binder read it at
 * (our inventory, an Ansible inventory, one of its group_vars/host_vars files, the --settings
 * file), or {@code default}. Walks the printed tree beside the model's types: a record's field
 * is explicit only if the input set it and its enclosing section (the binder's explicit paths:
 * a default given as a mapping, like the preflight minimums, marks its own keys as set), while
 * the items of a list or the entries of a map come from wherever the list or map did.
 */
final class InventorySources {
    static final String DEFAULT = "default";

    /** One printed value: its path (as in diagnostics), its text as printed, and its source. */
    record Row(String path, String value, String source) {}

    private final LoadedInventory loaded;
    private final Map<String, Row> rows = new LinkedHashMap<>();

    private InventorySources(LoadedInventory loaded) {
        this.loaded = loaded;
    }

    /** Every leaf of the printed inventory (secrets already redacted in the tree), in print order. */
    static Map<String, Row> of(LoadedInventory loaded, JsonNode printed) {
        InventorySources sources = new InventorySources(loaded);
        sources.walk(printed, Inventory.class, "", null, true);
        return sources.rows;
    }

    /**
     * @param container where the enclosing list or map was set, or null outside one (then a
     *     record field's own explicitness decides)
     */
    private void walk(JsonNode node, Type type, String path, Position container, boolean sectionSet) {
        Class<?> raw = raw(type);
        if (raw != null && raw.isRecord() && node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                String childPath = Binder.join(path, field.getKey());
                RecordComponent component = component(raw, field.getKey());
                boolean set = sectionSet && loaded.explicitPaths().contains(childPath);
                Position at = set ? loaded.positions().get(childPath) : null;
                if (component == null) {
                    leaf(field.getValue(), childPath, container);
                } else if (isContainer(component.getGenericType()) || raw(component.getGenericType()).isRecord()) {
                    walk(field.getValue(), component.getGenericType(), childPath, at, set);
                } else {
                    leaf(field.getValue(), childPath, at);
                }
            }
            if (!node.fields().hasNext()) {
                leaf(node, path, container);
            }
            return;
        }
        if (List.class.equals(raw) && node.isArray() && !node.isEmpty()) {
            Type item = ((ParameterizedType) type).getActualTypeArguments()[0];
            for (int i = 0; i < node.size(); i++) {
                String itemPath = path + "[" + i + "]";
                walk(node.get(i), item, itemPath, container == null ? null : loaded.positions().getOrDefault(itemPath, container),
                        sectionSet);
            }
            return;
        }
        if (Map.class.equals(raw) && node.isObject() && !node.isEmpty()) {
            Type value = ((ParameterizedType) type).getActualTypeArguments()[1];
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> entry = it.next();
                String entryPath = Binder.mapPath(path, entry.getKey());
                walk(entry.getValue(), value, entryPath, container == null ? null : loaded.positions().getOrDefault(entryPath, container),
                        sectionSet);
            }
            return;
        }
        if (node.isContainerNode() && !node.isEmpty()) { // free-form values (extra RKE2 config)
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> entry = it.next();
                walk(entry.getValue(), Object.class, Binder.mapPath(path, entry.getKey()), container, sectionSet);
            }
            for (int i = 0; node.isArray() && i < node.size(); i++) {
                walk(node.get(i), Object.class, path + "[" + i + "]", container, sectionSet);
            }
            return;
        }
        leaf(node, path, container);
    }

    private void leaf(JsonNode node, String path, Position at) {
        String value = node.isValueNode() ? node.asText() : node.toString();
        rows.put(path, new Row(path, value, at == null ? DEFAULT : describe(at)));
    }

    /** file:line, or the file alone for a value derived from the file itself (line 0). */
    static String describe(Position position) {
        String file = position.file() == null ? "<input>" : position.file().toString();
        return position.line() <= 0 ? file : file + ":" + position.line();
    }

    private static boolean isContainer(Type type) {
        Class<?> raw = raw(type);
        return List.class.equals(raw) || Map.class.equals(raw);
    }

    private static RecordComponent component(Class<?> record, String name) {
        for (RecordComponent component : record.getRecordComponents()) {
            if (component.getName().equals(name)) {
                return component;
            }
        }
        return null;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        return type instanceof Class<?> c ? c : Object.class;
    }
}
