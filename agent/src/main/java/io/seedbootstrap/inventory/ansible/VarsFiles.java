package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.bind.source.RawNode.RawMap;
import io.seedbootstrap.bind.source.RawNode.RawScalar;
import io.seedbootstrap.bind.source.YamlSource;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Group;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Host;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Scope;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Var;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the {@code group_vars/} and {@code host_vars/} folders beside an Ansible inventory, as
 * Ansible's host_group_vars plugin does, into {@link Group#fileVars} and {@link Host#fileVars}.
 *
 * <p>Which files (ansible/ansible lib/ansible/parsing/dataloader.py, {@code find_vars_files} and
 * {@code _get_dir_vars_files}): for a group or host NAME, the first of {@code NAME} (a file, or a
 * folder), {@code NAME.yml}, {@code NAME.yaml}, {@code NAME.json} that exists; later candidates
 * are not read (warned here, since Ansible is silent about it). A folder is read recursively in
 * lexical order, skipping hidden names and backups ({@code ~}), taking files with one of those
 * extensions or none; a later file overrides an earlier one. Files for groups or hosts the
 * inventory does not have are ignored, as by Ansible (noted: usually a typo).
 *
 * <p>Vault: a value tagged {@code !vault} is kept as it is and becomes an {@code ${ENV}} reference
 * later ({@link ValueAdapter}). A file encrypted as a whole ({@code $ANSIBLE_VAULT;1.1;AES256}
 * header) is never decrypted and its variables are not read; this is a warning, not an error,
 * because Ansible's own advice is exactly that layout: a plain {@code vars.yml} naming
 * {@code "{{ vault_x }}"} beside an encrypted {@code vault.yml}
 * (https://docs.ansible.com/ansible/latest/tips_tricks/ansible_tips_tricks.html#keep-vaulted-variables-safely-visible),
 * and a reference like that becomes an {@code ${ENV}} reference too.
 */
final class VarsFiles {
    static final String GROUP_VARS = "group_vars";
    static final String HOST_VARS = "host_vars";
    /** C.YAML_FILENAME_EXTENSIONS in Ansible. */
    private static final List<String> EXTENSIONS = List.of(".yml", ".yaml", ".json");
    private static final long MAX_BYTES = 8L << 20;
    private static final int MAX_FILES = 10_000;
    private static final int MAX_DEPTH = 16;
    private static final String VAULT_HEADER = "$ANSIBLE_VAULT;";

    private final Diagnostics diagnostics;
    private int files;
    private boolean ok = true;

    private VarsFiles(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** Reads both folders beside the inventory file; false when a file had errors (reported). */
    static boolean read(AnsibleInventory inventory, Diagnostics diagnostics) {
        if (inventory.file == null) {
            return true;
        }
        Path parent = inventory.file.getParent();
        Path dir = parent == null ? Path.of("") : parent;
        VarsFiles reader = new VarsFiles(diagnostics);
        Path groupVars = dir.resolve(GROUP_VARS);
        if (Files.isDirectory(groupVars)) {
            for (Group group : inventory.groups()) {
                for (Path file : reader.find(groupVars, group.name)) {
                    reader.readFile(file, new Scope(false, group.name), group.fileVars);
                }
            }
            reader.noteStrays(groupVars, "group", name -> inventory.findGroup(name) != null);
        }
        Path hostVars = dir.resolve(HOST_VARS);
        if (Files.isDirectory(hostVars)) {
            for (Host host : inventory.hosts()) {
                for (Path file : reader.find(hostVars, host.name)) {
                    reader.readFile(file, new Scope(true, host.name), host.fileVars);
                }
            }
            reader.noteStrays(hostVars, "host", name -> inventory.findHost(name) != null);
        }
        return reader.ok;
    }

    /** The files Ansible reads for one name, in the order it reads them. */
    private List<Path> find(Path folder, String name) {
        List<Path> candidates = new ArrayList<>();
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            return List.of();
        }
        candidates.add(folder.resolve(name));
        EXTENSIONS.forEach(ext -> candidates.add(folder.resolve(name + ext)));
        for (int i = 0; i < candidates.size(); i++) {
            Path chosen = candidates.get(i);
            if (!Files.exists(chosen)) {
                continue;
            }
            for (Path later : candidates.subList(i + 1, candidates.size())) {
                if (Files.exists(later)) {
                    diagnostics.warning(Position.unknown(later), "", "not read: Ansible reads only the first of " + name + ", "
                            + name + ".yml, " + name + ".yaml, " + name + ".json, and " + chosen.getFileName()
                            + (Files.isDirectory(chosen) ? "/" : "") + " exists; merge them");
                }
            }
            return Files.isDirectory(chosen) ? folderFiles(chosen, 0) : List.of(chosen);
        }
        return List.of();
    }

    /** A folder's files in lexical order, recursively, as _get_dir_vars_files lists them. */
    private List<Path> folderFiles(Path folder, int depth) {
        List<Path> found = new ArrayList<>();
        if (depth > MAX_DEPTH) { // links are followed, as by Ansible: a link to a parent folder reads it again until ELOOP
            error(Position.unknown(folder), "folders nested more than " + MAX_DEPTH + " levels deep (a symbolic link to a parent "
                    + "folder?); keep group_vars/ and host_vars/ shallow");
            return found;
        }
        for (Path entry : list(folder)) {
            String name = entry.getFileName().toString();
            if (name.startsWith(".") || name.endsWith("~")) {
                continue;
            }
            String ext = extension(name);
            if (Files.isDirectory(entry) && ext.isEmpty()) {
                found.addAll(folderFiles(entry, depth + 1));
            } else if (Files.isRegularFile(entry) && (ext.isEmpty() || EXTENSIONS.contains(ext))) {
                found.add(entry);
            }
        }
        return found;
    }

    /** Python's os.path.splitext: the last dot not leading the name. */
    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 || name.substring(0, dot).chars().allMatch(c -> c == '.') ? "" : name.substring(dot);
    }

    private List<Path> list(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        } catch (IOException e) {
            diagnostics.error(Position.unknown(folder), "", "cannot list the folder (" + e.getMessage() + "); check its permissions");
            ok = false;
            return List.of();
        }
    }

    private void readFile(Path file, Scope scope, Map<String, Var> target) {
        if (++files > MAX_FILES) {
            if (files == MAX_FILES + 1) {
                diagnostics.error(Position.unknown(file), "", "more than " + MAX_FILES + " group_vars/host_vars files; "
                        + "an inventory's variables fit in far fewer");
                ok = false;
            }
            return;
        }
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                error(Position.unknown(file), "larger than " + (MAX_BYTES >> 20) + " MiB; a variables file is a small YAML file");
                return;
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            error(Position.unknown(file), "not UTF-8 text; a variables file is YAML");
            return;
        } catch (IOException e) {
            error(Position.unknown(file), "cannot read (" + e.getMessage() + "); check its permissions");
            return;
        }
        if (text.stripLeading().startsWith(VAULT_HEADER)) {
            diagnostics.warning(new Position(file, 1, 1), "", "encrypted as a whole with Ansible Vault; seed-bootstrap never decrypts, "
                    + "so its variables are not read. If seed-bootstrap needs one of them (ansible_become_password...), name it from "
                    + "a plain file (ansible_become_password: \"{{ vault_become_password }}\"), which becomes an ${ENV} reference, "
                    + "or encrypt that one value (ansible-vault encrypt_string) instead of the whole file");
            return;
        }
        if (text.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#") || l.equals("---") || l.equals("..."))) {
            return; // an empty vars file is fine for Ansible
        }
        YamlSource.Parsed parsed = YamlSource.parse(file, text);
        if (parsed.error() != null) {
            error(parsed.error().position(), parsed.error().message());
            return;
        }
        RawNode root = parsed.root();
        if (root instanceof RawScalar scalar && scalar.kind() == RawScalar.Kind.NULL) {
            return;
        }
        if (!(root instanceof RawMap map)) {
            error(root.position(), "a variables file is a mapping of variables (name: value), found " + describe(root)
                    + "; Ansible refuses it too");
            return;
        }
        for (RawNode.Entry duplicate : map.duplicates()) {
            error(duplicate.keyPosition(), "duplicate key \"" + duplicate.key() + "\" (first at line "
                    + map.entries().get(duplicate.key()).keyPosition().line() + "); keep one of them");
        }
        for (RawNode.Entry entry : map.entries().values()) {
            if (!scope.host() && AnsibleInventory.GROUP_PRIORITY.equals(entry.key())) {
                // lib/ansible/inventory/group.py set_variable is the only reader, and only inventory sources call it
                diagnostics.warning(entry.keyPosition(), entry.key(), "ignored here: Ansible takes a group's priority only from "
                        + "the inventory file ([" + scope.name() + ":vars]), not from group_vars; move it there");
                continue;
            }
            target.put(entry.key(), new Var(entry.key(), entry.keyPosition(), entry.value(), scope));
        }
    }

    /** Files and folders for groups or hosts this inventory does not have: ignored, as Ansible does, but noted. */
    private void noteStrays(Path folder, String kind, java.util.function.Predicate<String> known) {
        for (Path entry : list(folder)) {
            String name = entry.getFileName().toString();
            if (name.startsWith(".") || name.endsWith("~")) {
                continue;
            }
            String ext = extension(name);
            String stem = EXTENSIONS.contains(ext) && Files.isRegularFile(entry) ? name.substring(0, name.length() - ext.length()) : name;
            if (!known.test(stem)) {
                diagnostics.note(Position.unknown(entry), "", "this inventory has no " + kind + " named " + stem
                        + ", so this is not read (as in Ansible); check the name");
            }
        }
    }

    private void error(Position position, String message) {
        diagnostics.error(position, "", message);
        ok = false;
    }

    /** What a node is, never its text: a misplaced value may be a secret. */
    private static String describe(RawNode node) {
        return node instanceof RawScalar ? "a single value" : "a list";
    }
}
