package io.seedbootstrap.pki.ca;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Collects what one `pki init` run did, and reports progress as it goes. */
final class InitJournal {
    private final PkiLayout layout;
    private final Consumer<String> progress;
    private final List<FileAction> actions = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    InitJournal(PkiLayout layout, Consumer<String> progress) {
        this.layout = layout;
        this.progress = progress;
    }

    void progress(String message) {
        progress.accept(message);
    }

    void record(Path file, FileAction.Action action, String detail) {
        actions.add(new FileAction(layout.relative(file), action, detail));
    }

    void created(Path file, String detail) {
        record(file, FileAction.Action.CREATED, detail);
    }

    void kept(Path file) {
        record(file, FileAction.Action.KEPT, null);
    }

    void note(String note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
    }

    void warning(String warning) {
        if (!warnings.contains(warning)) {
            warnings.add(warning);
        }
    }

    boolean changed(Path file) {
        String path = layout.relative(file);
        return actions.stream().anyMatch(a -> a.path().equals(path) && a.action() != FileAction.Action.KEPT);
    }

    List<FileAction> actions() {
        return List.copyOf(actions);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }
}
