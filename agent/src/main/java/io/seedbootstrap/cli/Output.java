package io.seedbootstrap.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.seedbootstrap.action.ActionRunner;
import io.seedbootstrap.bind.Diagnostic;
import java.io.IOException;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;

/** Printing helpers shared by commands. */
final class Output {
    private Output() {}

    static void printDiagnostics(PrintWriter err, List<Diagnostic> diagnostics) {
        for (Diagnostic diagnostic : diagnostics) {
            err.println(diagnostic.render());
        }
        err.flush();
    }

    /** The mapper, with paths as plain strings (for a tree built before printing). */
    static ObjectMapper withPaths(ObjectMapper mapper) {
        return mapper.registerModule(new SimpleModule().addSerializer(Path.class, new PathSerializer()));
    }

    static void print(PrintWriter out, ObjectMapper mapper, Object value) {
        try {
            withPaths(mapper);
            out.println(mapper.writeValueAsString(value).stripTrailing());
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Paths print as plain strings. */
    private static final class PathSerializer extends JsonSerializer<Path> {
        @Override
        public void serialize(Path value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(value.toString());
        }
    }

    /** The plan (dry run) or the changes made, one line each, on {@code out}. */
    static void printChanges(PrintWriter out, ActionRunner.Finished run, boolean dryRun, Consumer<String> heading) {
        if (dryRun) {
            out.print(run.plan().render());
            out.println("Dry run: nothing was changed. Run without --dry-run to make these changes.");
            return;
        }
        heading.accept(run.plan().lastingChanges().size() + " change(s) made");
    }
}
