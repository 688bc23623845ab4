package io.seedbootstrap.bind;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.bind.source.YamlSource;
import io.seedbootstrap.support.Secret;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Publishes the inventory records' description as JSON Schema (draft 2020-12) for editors
 * (yaml-language-server). Generated from the same annotations the {@link Binder} enforces, so
 * the schema and the validator cannot drift apart.
 */
public final class SchemaGenerator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ObjectNode definitions = NODES.objectNode();

    public static ObjectNode generate(Class<? extends Record> root, String id, String title) {
        SchemaGenerator generator = new SchemaGenerator();
        ObjectNode schema = NODES.objectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", id);
        schema.put("title", title);
        ObjectNode body = generator.recordSchema(root);
        schema.setAll(body);
        schema.set("$defs", generator.definitions);
        return schema;
    }

    private ObjectNode recordSchema(Class<?> type) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        Doc typeDoc = type.getAnnotation(Doc.class);
        if (typeDoc != null) {
            schema.put("description", typeDoc.value());
        }
        schema.put("additionalProperties", false);
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        for (RecordComponent component : type.getRecordComponents()) {
            ObjectNode property = valueSchema(component.getGenericType(), component);
            Doc doc = component.getAnnotation(Doc.class);
            if (doc != null) {
                property.put("description", doc.value());
            }
            Default fallback = component.getAnnotation(Default.class);
            if (fallback != null) {
                property.set("default", defaultValue(fallback.value()));
            }
            properties.set(component.getName(), property);
            if (component.isAnnotationPresent(Required.class)) {
                required.add(component.getName());
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        return schema;
    }

    private ObjectNode valueSchema(Type type, RecordComponent component) {
        Class<?> raw = Binder.rawClass(type);
        Format format = component.getAnnotation(Format.class);
        if (raw.isRecord()) {
            String name = definitionName(raw);
            if (!definitions.has(name)) {
                definitions.putObject(name); // placeholder first: guards against recursion
                definitions.set(name, recordSchema(raw));
            }
            return NODES.objectNode().put("$ref", "#/$defs/" + name);
        }
        if (List.class.equals(raw)) {
            ObjectNode schema = NODES.objectNode().put("type", "array");
            schema.set("items", valueSchema(((ParameterizedType) type).getActualTypeArguments()[0], component));
            return schema;
        }
        if (Map.class.equals(raw)) {
            ObjectNode schema = NODES.objectNode().put("type", "object");
            Type valueType = ((ParameterizedType) type).getActualTypeArguments()[1];
            if (format != null) {
                ObjectNode names = schema.putObject("propertyNames");
                names.put("description", format.value().description());
                if (format.value().regex() != null) {
                    names.put("pattern", format.value().regex());
                }
            }
            if (!Object.class.equals(valueType)) {
                schema.set("additionalProperties", String.class.equals(valueType)
                        ? NODES.objectNode().put("type", "string") : valueSchema(valueType, component));
            }
            return schema;
        }
        ObjectNode schema = NODES.objectNode();
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            schema.put("type", "integer");
            Range range = component.getAnnotation(Range.class);
            if (range != null) {
                schema.put("minimum", range.min());
                schema.put("maximum", range.max());
            }
        } else if (raw == boolean.class || raw == Boolean.class) {
            schema.put("type", "boolean");
        } else if (raw.isEnum()) {
            schema.put("type", "string");
            ArrayNode values = schema.putArray("enum");
            for (Object constant : raw.getEnumConstants()) {
                values.add(Binder.enumKey((Enum<?>) constant));
            }
        } else {
            schema.put("type", "string");
            if (Secret.class.equals(raw)) {
                schema.put("pattern", ".*\\$\\{[A-Za-z_][A-Za-z0-9_]*}.*");
                schema.put("$comment", "a secret: reference an environment variable, ${NAME}");
            } else if (Path.class.equals(raw)) {
                schema.put("$comment", "a file path; relative paths are relative to the inventory file, ~ is the home directory");
            } else if (format != null && format.value().regex() != null) {
                schema.put("pattern", format.value().regex());
            }
        }
        return schema;
    }

    private static String definitionName(Class<?> type) {
        Class<?> enclosing = type.getEnclosingClass();
        return enclosing == null ? type.getSimpleName() : enclosing.getSimpleName() + type.getSimpleName();
    }

    private static com.fasterxml.jackson.databind.JsonNode defaultValue(String yamlText) {
        RawNode node = ((RawNode.RawMap) YamlSource.parse(null, "value: " + yamlText).root()).entries().get("value").value();
        return new ObjectMapper().valueToTree(plain(node));
    }

    private static Object plain(RawNode node) {
        if (node instanceof RawNode.RawMap map) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            map.entries().values().forEach(e -> out.put(e.key(), plain(e.value())));
            return out;
        }
        if (node instanceof RawNode.RawList list) {
            return list.items().stream().map(SchemaGenerator::plain).toList();
        }
        RawNode.RawScalar scalar = (RawNode.RawScalar) node;
        return switch (scalar.kind()) {
            case INTEGER -> Long.parseLong(scalar.text());
            case BOOLEAN -> Boolean.parseBoolean(scalar.text());
            case NULL -> null;
            default -> scalar.text();
        };
    }
}
