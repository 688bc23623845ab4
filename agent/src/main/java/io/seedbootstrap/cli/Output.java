package io.seedbootstrap.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.action.ActionRunner;
import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Plan;
import io.seedbootstrap.phase.PlannedChange;
import io.seedbootstrap.rke2.NodeStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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

    /**
     * {@code changes}: every lasting change of the run (made, or planned in a dry run), one object
     * each with host, phase, change and status, the same for every command that prints JSON.
     */
    static ArrayNode putChanges(ObjectNode root, Plan plan) {
        ArrayNode changes = root.putArray("changes");
        for (PlannedChange c : plan.lastingChanges()) {
            changes.addObject().put("host", c.host()).put("phase", c.phase()).put("change", c.description())
                    .put("status", c.status().name().toLowerCase(Locale.ROOT));
        }
        return changes;
    }

    /** The cluster's Node of {@code host} (by its node name), if the cluster has it. */
    static Optional<NodeStatus> nodeOf(List<NodeStatus> nodes, Host host) {
        return nodes.stream().filter(n -> n.name().equals(host.effectiveNodeName())).findFirst();
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
