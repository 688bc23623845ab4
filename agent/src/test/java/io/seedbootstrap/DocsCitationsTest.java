package io.seedbootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository stands alone (issue 20 item 8): every "contract X.n" the code and docs cite is a
 * section of docs/rke2-contract.md (or a numbered item of its section X), every docs/*.md named
 * exists, and nothing points at the material outside the repository that the docs came from.
 */
class DocsCitationsTest {
    static final Path ROOT = Path.of("..");
    static final List<String> SCANNED = List.of("agent/src", "docs", "test-vms", "scripts", "airgap", "bundles", "inventory", "README.md");
    static final Pattern CONTRACT_CITATION = Pattern.compile("contract ([A-I])(?:\\.(\\d+))?\\b");
    static final Pattern SECTION_HEADING = Pattern.compile("(?m)^#{2,3} ([A-I])(?:\\.(\\d+))?[. ]");
    static final Pattern DOCS_FILE = Pattern.compile("(?<![\\w/.])docs/([a-z0-9-]+\\.md)");

    @Test
    void everyContractCitationIsASectionOfTheProjectsContract() {
        String contract = read(ROOT.resolve("docs/rke2-contract.md"));
        Set<String> sections = sections(contract);
        Set<String> unresolved = new TreeSet<>();
        for (Path file : scannedFiles()) {
            Matcher m = CONTRACT_CITATION.matcher(read(file));
            while (m.find()) {
                String cited = m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2);
                if (!sections.contains(cited)) {
                    unresolved.add(cited + " (" + ROOT.relativize(file) + ")");
                }
            }
        }
        assertTrue(sections.containsAll(List.of("A", "A.1", "B.3", "C", "D", "I.1")), "sections parsed: " + sections);
        assertEquals(Set.of(), unresolved, "citations with no section in docs/rke2-contract.md");
    }

    @Test
    void everyProjectDocNamedExists() {
        Set<String> missing = new TreeSet<>();
        for (Path file : scannedFiles()) {
            if (file.startsWith(ROOT.resolve("docs/rke2-contract.md"))) {
                continue; // it quotes upstream's docs/ paths (RKE2-DOCS, ARGOCD), not ours
            }
            Matcher m = DOCS_FILE.matcher(read(file));
            while (m.find()) {
                if (!Files.isRegularFile(ROOT.resolve("docs").resolve(m.group(1)))) {
                    missing.add("docs/" + m.group(1) + " (" + ROOT.relativize(file) + ")");
                }
            }
        }
        assertEquals(Set.of(), missing);
    }

    @Test
    void nothingPointsAtTheDocsOutsideTheRepository() {
        List<String> outside = new ArrayList<>();
        for (Path file : scannedFiles()) {
            if (read(file).contains("shared" + "/docs/")) { // split so this test does not find itself
                outside.add(ROOT.relativize(file).toString());
            }
        }
        assertEquals(List.of(), outside, "cite docs/ in this repository instead");
    }

    /** Section ids: each "## X." / "### X.n" heading, and "X.n" for the numbered items of a section without sub-headings. */
    static Set<String> sections(String contract) {
        Set<String> ids = new HashSet<>();
        String current = null;
        boolean hasSubHeadings = false;
        Pattern item = Pattern.compile("^(\\d+)\\. ");
        for (String line : contract.split("\n")) {
            Matcher heading = SECTION_HEADING.matcher(line);
            if (heading.lookingAt()) {
                String letter = heading.group(1);
                if (heading.group(2) == null) {
                    current = letter;
                    hasSubHeadings = false;
                    ids.add(letter);
                } else {
                    hasSubHeadings = true;
                    ids.add(letter + "." + heading.group(2));
                }
                continue;
            }
            Matcher numbered = item.matcher(line);
            if (current != null && !hasSubHeadings && numbered.lookingAt()) {
                ids.add(current + "." + numbered.group(1));
            }
        }
        return ids;
    }

    static List<Path> scannedFiles() {
        List<Path> files = new ArrayList<>();
        for (String root : SCANNED) {
            Path path = ROOT.resolve(root);
            if (Files.isRegularFile(path)) {
                files.add(path);
                continue;
            }
            try (Stream<Path> walk = Files.walk(path)) {
                walk.filter(Files::isRegularFile).filter(DocsCitationsTest::isText).forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    static boolean isText(Path file) {
        String name = file.getFileName().toString();
        return !file.toString().contains("/target/") && !file.toString().contains("/resources/fuzz/")
                && (name.endsWith(".java") || name.endsWith(".md") || name.endsWith(".sh") || name.endsWith(".yaml")
                        || name.endsWith(".service") || name.endsWith(".txt") || !name.contains("."));
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
