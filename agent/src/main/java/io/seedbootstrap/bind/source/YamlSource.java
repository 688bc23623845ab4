package io.seedbootstrap.bind.source;

import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML into a {@link RawNode} tree with line/column for every key and value. SnakeYAML's
 * node graph keeps source marks, which Jackson's tree model drops.
 *
 * <p>Bounded for untrusted files (README "Security notes"): SnakeYAML limits the text, its
 * nesting and the number of aliases; its graph shares an aliased node instead of copying it, so
 * expansion happens here, in {@link #convert}, which refuses a cycle (an alias inside what it
 * names), a tree nested deeper than {@link #MAX_NESTING} and more than {@link #MAX_NODES} values
 * in all ("billion laughs": aliases of aliases) with the position where it happened.
 */
public final class YamlSource {
    static final int MAX_NESTING = 64;
    private static final int MAX_ALIASES = 50;
    private static final int MAX_BYTES = 8 * 1024 * 1024;
    /** Values (scalars, lists, mappings) after aliases are expanded; an inventory has a few thousand. */
    static final int MAX_NODES = 200_000;

    private YamlSource() {}

    /** The result of reading one document: its tree, or null with a syntax error. */
    public record Parsed(RawNode root, SyntaxError error) {}

    public record SyntaxError(Position position, String message) {}

    public static Parsed read(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                return new Parsed(null, new SyntaxError(Position.unknown(file),
                        "the file is larger than " + (MAX_BYTES >> 20) + " MiB; an inventory is a small text file"));
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            return new Parsed(null, new SyntaxError(Position.unknown(file), "the file is not UTF-8 text"));
        } catch (IOException e) {
            throw SeedException.badInput(file + ": cannot read the file (" + e.getMessage() + "); check the path and permissions");
        }
        return parse(file, text);
    }

    public static Parsed parse(Path file, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // we report duplicates ourselves, with both positions
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_BYTES);
        Yaml yaml = new Yaml(options);
        try (Reader reader = new StringReader(text)) {
            List<Node> documents = new ArrayList<>();
            for (Node node : yaml.composeAll(reader)) {
                documents.add(node);
            }
            if (documents.isEmpty() || documents.get(0) == null) {
                return new Parsed(null, new SyntaxError(new Position(file, 1, 1), "the file is empty"));
            }
            if (documents.size() > 1) {
                Mark mark = documents.get(1).getStartMark();
                return new Parsed(null, new SyntaxError(position(file, mark),
                        "the file holds more than one YAML document; keep one inventory per file"));
            }
            return new Parsed(new Expansion(file).convert(documents.get(0), 0), null);
        } catch (TooLarge e) {
            return new Parsed(null, new SyntaxError(e.position, e.getMessage()));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : "invalid YAML";
            String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
            return new Parsed(null, new SyntaxError(position(file, mark), "YAML syntax error: " + problem + context));
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            return new Parsed(null, new SyntaxError(new Position(file, 1, 1), "YAML error: " + firstLine(e.getMessage())));
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringReader does not fail
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static Position position(Path file, Mark mark) {
        return mark == null ? Position.unknown(file) : new Position(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** A tree the document would expand to that is refused; carries where, for file:line. */
    private static final class TooLarge extends RuntimeException {
        private final transient Position position;

        TooLarge(Position position, String message) {
            super(message, null, false, false);
            this.position = position;
        }
    }

    /** One document's expansion into RawNodes, counting every value and watching for cycles. */
    private static final class Expansion {
        private final Path file;
        /** The collections being expanded right now (the path from the root): meeting one again is a cycle. */
        private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
        private int nodes;

        Expansion(Path file) {
            this.file = file;
        }

        RawNode convert(Node node, int depth) {
            Position at = position(file, node.getStartMark());
            if (++nodes > MAX_NODES) {
                throw new TooLarge(at, "the document expands to more than " + MAX_NODES + " values (aliases of aliases?); "
                        + "an inventory is a small file: write the values out or use fewer aliases");
            }
            if (depth > MAX_NESTING) {
                throw new TooLarge(at, "values are nested more than " + MAX_NESTING + " levels deep (counting what aliases insert)");
            }
            if (node instanceof ScalarNode scalar) {
                return new RawNode.RawScalar(at, scalar.getValue(), kindOf(scalar.getTag()));
            }
            if (!open.add(node)) {
                throw new TooLarge(at, "an alias refers to itself: the " + (node instanceof MappingNode ? "mapping" : "list")
                        + (node.getAnchor() != null ? " &" + node.getAnchor() : "") + " starting here contains an alias of itself (a cycle)");
            }
            try {
                if (node instanceof MappingNode mapping) {
                    Map<String, RawNode.Entry> entries = new LinkedHashMap<>();
                    List<RawNode.Entry> duplicates = new ArrayList<>();
                    for (NodeTuple tuple : mapping.getValue()) {
                        Node keyNode = tuple.getKeyNode();
                        String key = keyNode instanceof ScalarNode scalar ? scalar.getValue() : "<complex key>";
                        RawNode.Entry entry = new RawNode.Entry(key, position(file, keyNode.getStartMark()),
                                convert(tuple.getValueNode(), depth + 1));
                        if (entries.containsKey(key)) {
                            duplicates.add(entry);
                        } else {
                            entries.put(key, entry);
                        }
                    }
                    return new RawNode.RawMap(at, entries, duplicates);
                }
                List<RawNode> items = new ArrayList<>();
                for (Node item : ((SequenceNode) node).getValue()) {
                    items.add(convert(item, depth + 1));
                }
                return new RawNode.RawList(at, items);
            } finally {
                open.remove(node);
            }
        }
    }

    private static RawNode.RawScalar.Kind kindOf(Tag tag) {
        if (Tag.INT.equals(tag)) {
            return RawNode.RawScalar.Kind.INTEGER;
        }
        if (Tag.FLOAT.equals(tag)) {
            return RawNode.RawScalar.Kind.FLOAT;
        }
        if (Tag.BOOL.equals(tag)) {
            return RawNode.RawScalar.Kind.BOOLEAN;
        }
        if (Tag.NULL.equals(tag)) {
            return RawNode.RawScalar.Kind.NULL;
        }
        return RawNode.RawScalar.Kind.STRING;
    }
}
