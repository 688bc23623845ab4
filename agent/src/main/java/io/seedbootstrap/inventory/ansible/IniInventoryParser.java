package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Group;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Host;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Scope;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Var;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an Ansible INI inventory as Ansible's INI plugin does: hosts before any section are
 * ungrouped; {@code [group]} lists hosts (with ranges and inline key=value variables),
 * {@code [group:children]} lists child groups, {@code [group:vars]} sets one {@code key = value}
 * per line; full-line comments start with ; or #. Unlike Ansible it reports every syntax error
 * of the file at once rather than the first.
 */
final class IniInventoryParser {
    private static final Pattern SECTION = Pattern.compile("^\\[([^:\\]\\s]+)(?::(\\w+))?]\\s*(?:[#;].*)?$");
    private static final Pattern GROUP_NAME = Pattern.compile("^([^:\\]\\s\\[=]+)\\s*(?:[#;].*)?$");
    private static final Pattern COMMENT = Pattern.compile("\\s#");
    private static final Pattern WHITESPACE = Pattern.compile("\\s");
    private static final Pattern BRACKETED_ADDRESS = Pattern.compile("^\\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*](:[0-9]+)?$");

    private enum State { HOSTS, CHILDREN, VARS }

    private final Path file;
    private final Diagnostics diagnostics;
    private final AnsibleInventory inventory;
    private final Set<String> declared = new HashSet<>(Set.of(AnsibleInventory.ALL, AnsibleInventory.UNGROUPED));
    private final Map<String, Position> varsSections = new LinkedHashMap<>();
    private final List<ChildReference> childReferences = new ArrayList<>();
    private boolean ok = true;

    private record ChildReference(String parent, String child, Position position) {}

    private IniInventoryParser(Path file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
        this.inventory = new AnsibleInventory(file);
    }

    static AnsibleInventory.Parsed parse(Path file, String text, Diagnostics diagnostics) {
        IniInventoryParser parser = new IniInventoryParser(file, diagnostics);
        parser.run(text);
        return new AnsibleInventory.Parsed(parser.inventory, parser.ok);
    }

    private void run(String text) {
        String group = AnsibleInventory.UNGROUPED;
        State state = State.HOSTS;
        String[] lines = text.split("\r?\n|\r", -1);
        for (int n = 0; n < lines.length; n++) {
            int lineNumber = n + 1;
            String line = lines[n];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.charAt(0) == ';' || trimmed.charAt(0) == '#') {
                continue;
            }
            int indent = line.indexOf(trimmed.charAt(0)) + 1;
            Matcher section = SECTION.matcher(trimmed);
            if (section.matches()) {
                group = section.group(1);
                Position at = new Position(file, lineNumber, indent);
                String type = section.group(2) == null ? "hosts" : section.group(2);
                switch (type) {
                    case "hosts" -> state = State.HOSTS;
                    case "children" -> state = State.CHILDREN;
                    case "vars" -> state = State.VARS;
                    default -> {
                        syntaxError(at, "section [" + group + ":" + type + "] has the unknown type \"" + type
                                + "\"; use [" + group + "], [" + group + ":children] or [" + group + ":vars]");
                        state = State.VARS;
                        group = null; // skip its lines: they belong to a section we cannot read
                        continue;
                    }
                }
                Group g = inventory.group(group, at);
                if (state == State.VARS) {
                    varsSections.putIfAbsent(group, at);
                } else if (declared.add(group)) {
                    g.position = at;
                }
                continue;
            }
            if (trimmed.charAt(0) == '[' && !looksLikeBracketedAddress(trimmed)) {
                syntaxError(new Position(file, lineNumber, indent), "invalid section header; write [group], [group:children] or "
                        + "[group:vars] with no spaces inside the brackets");
                continue;
            }
            if (group == null) {
                continue;
            }
            switch (state) {
                case HOSTS -> hostLine(line, lineNumber, group);
                case CHILDREN -> childLine(trimmed, new Position(file, lineNumber, indent), group);
                case VARS -> varLine(trimmed, lineNumber, indent, group);
            }
        }
        for (Map.Entry<String, Position> vars : varsSections.entrySet()) {
            if (!declared.contains(vars.getKey())) {
                syntaxError(vars.getValue(), "[" + vars.getKey() + ":vars] sets variables of group " + vars.getKey()
                        + ", which no [" + vars.getKey() + "] or [" + vars.getKey() + ":children] section declares");
            }
        }
        for (ChildReference reference : childReferences) {
            if (!declared.contains(reference.child())) {
                syntaxError(reference.position(), "[" + reference.parent() + ":children] lists group " + reference.child()
                        + ", which is never declared; add a [" + reference.child() + "] section (it may be empty)");
            }
        }
    }

    private static boolean looksLikeBracketedAddress(String trimmed) {
        HostLineLexer.Result split = HostLineLexer.split(trimmed);
        return split.error() == null && !split.words().isEmpty() && BRACKETED_ADDRESS.matcher(split.words().get(0).text()).matches();
    }

    private void hostLine(String line, int lineNumber, String group) {
        HostLineLexer.Result split = HostLineLexer.split(line);
        if (split.error() != null) {
            syntaxError(new Position(file, lineNumber, split.errorColumn()), split.error());
            return;
        }
        List<HostLineLexer.Word> words = split.words();
        if (words.isEmpty()) {
            return;
        }
        HostLineLexer.Word first = words.get(0);
        Position hostAt = new Position(file, lineNumber, first.column());
        if (first.text().contains("=")) {
            syntaxError(hostAt, "this line starts with a variable (key=value) but a host line starts with the host name"
                    + (group.equals(AnsibleInventory.UNGROUPED) ? "; group variables go in a [group:vars] section" : ""));
            return;
        }
        List<Var> vars = new ArrayList<>();
        for (HostLineLexer.Word word : words.subList(1, words.size())) {
            int equals = word.text().indexOf('=');
            Position keyAt = new Position(file, lineNumber, word.column());
            if (equals < 0) {
                syntaxError(keyAt, "expected a key=value variable here; a value with spaces must be quoted, e.g. key=\"two words\"");
                return;
            }
            if (equals == 0) {
                syntaxError(keyAt, "a variable name is missing before '='");
                return;
            }
            String key = word.text().substring(0, equals);
            String value = word.text().substring(equals + 1);
            Position valueAt = new Position(file, lineNumber, word.columnAt(equals + 1));
            RawNode parsed = PythonLiteral.parse(value, valueAt);
            vars.add(new Var(key, keyAt, parsed != null ? parsed : new RawNode.RawScalar(valueAt, value, RawNode.RawScalar.Kind.STRING), null));
        }
        if (split.cutComment() > 0) {
            String cutVar = vars.isEmpty() ? "" : vars.get(vars.size() - 1).name();
            diagnostics.warning(new Position(file, lineNumber, split.cutComment()), cutVar, "this '#' starts a comment, as in Ansible: "
                    + "the rest of the line is ignored; quote the value if the '#' belongs to it");
        }
        HostPatterns.Expansion expansion = HostPatterns.expand(first.text(), hostAt, diagnostics);
        if (expansion == null) {
            ok = false;
            return;
        }
        for (String name : expansion.hosts()) {
            Host host = inventory.addHost(name, hostAt, group);
            Scope scope = new Scope(true, name);
            if (expansion.port() != null) {
                RawNode port = new RawNode.RawScalar(hostAt, expansion.port().toString(), RawNode.RawScalar.Kind.INTEGER);
                inventory.setHostVar(host, new Var("ansible_port", hostAt, port, scope), diagnostics);
            }
            for (Var var : vars) {
                inventory.setHostVar(host, new Var(var.name(), var.keyPosition(), var.value(), scope), diagnostics);
            }
        }
    }

    private void childLine(String trimmed, Position at, String group) {
        Matcher name = GROUP_NAME.matcher(trimmed);
        if (!name.matches()) {
            syntaxError(at, "expected one group name per line in [" + group + ":children]");
            return;
        }
        String child = name.group(1);
        inventory.group(child, at);
        if (!inventory.addChild(group, child, at, diagnostics)) {
            ok = false;
        }
        childReferences.add(new ChildReference(group, child, at));
    }

    private void varLine(String trimmed, int lineNumber, int indent, String group) {
        Position keyAt = new Position(file, lineNumber, indent);
        int equals = trimmed.indexOf('=');
        if (equals < 0) {
            syntaxError(keyAt, "expected key = value in [" + group + ":vars]");
            return;
        }
        String key = trimmed.substring(0, equals).strip();
        if (key.isEmpty()) {
            syntaxError(keyAt, "a variable name is missing before '='");
            return;
        }
        if (WHITESPACE.matcher(key).find()) {
            syntaxError(keyAt, "a variable name cannot contain spaces; one key = value per line in [" + group + ":vars]");
            return;
        }
        String rest = trimmed.substring(equals + 1);
        String value = rest.strip();
        Position valueAt = new Position(file, lineNumber, indent + equals + 1 + (rest.length() - rest.stripLeading().length()));
        Group g = inventory.group(group, keyAt);
        inventory.setGroupVar(g, new Var(key, keyAt, varValue(value, valueAt), new Scope(false, group)), diagnostics);
    }

    /**
     * A [group:vars] value: a Python literal, else the text up to an inline comment (whitespace
     * then #), so {@code cni = cilium   # the CNI} is "cilium" while {@code "a # b"} keeps its #.
     */
    static RawNode varValue(String value, Position at) {
        RawNode literal = PythonLiteral.parse(value, at);
        if (literal != null) {
            return literal;
        }
        Matcher comment = COMMENT.matcher(value);
        if (comment.find()) {
            String uncommented = value.substring(0, comment.start()).strip();
            literal = PythonLiteral.parse(uncommented, at);
            return literal != null ? literal : new RawNode.RawScalar(at, uncommented, RawNode.RawScalar.Kind.STRING);
        }
        return new RawNode.RawScalar(at, value, RawNode.RawScalar.Kind.STRING);
    }

    private void syntaxError(Position at, String message) {
        ok = false;
        diagnostics.error(at, "", message);
    }
}
