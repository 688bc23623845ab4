package io.seedbootstrap.phase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An action's phase list derived from another's by edits named by phase type (k0sctl's
 * {@code phase.Phases} InsertBefore/InsertAfter/Remove): what the new action shares it gets
 * from the other list, so a phase added there is there too. An edit whose anchor type is not in
 * the list exactly once is an error, never a silent no-op: renaming or removing a phase another
 * action relies on then fails every build of that action, and its tests.
 */
public final class Phases {
    private final List<Phase> list;

    private Phases(List<Phase> list) {
        this.list = new ArrayList<>(list);
    }

    public static Phases of(List<Phase> phases) {
        return new Phases(phases);
    }

    /** {@code phases} right after the phase of type {@code anchor}. */
    public Phases insertAfter(Class<? extends Phase> anchor, Phase... phases) {
        list.addAll(indexOf(anchor) + 1, Arrays.asList(phases));
        return this;
    }

    /** {@code phases} right before the phase of type {@code anchor}. */
    public Phases insertBefore(Class<? extends Phase> anchor, Phase... phases) {
        list.addAll(indexOf(anchor), Arrays.asList(phases));
        return this;
    }

    /** {@code replacement} in the place of the phase of type {@code type}. */
    public Phases replace(Class<? extends Phase> type, Phase replacement) {
        list.set(indexOf(type), replacement);
        return this;
    }

    /** Without the phase of each type. */
    @SafeVarargs
    public final Phases remove(Class<? extends Phase>... types) {
        for (Class<? extends Phase> type : types) {
            list.remove(indexOf(type));
        }
        return this;
    }

    public List<Phase> toList() {
        return List.copyOf(list);
    }

    private int indexOf(Class<? extends Phase> type) {
        int found = -1;
        for (int i = 0; i < list.size(); i++) {
            if (type.isInstance(list.get(i))) {
                if (found >= 0) {
                    throw new IllegalStateException(type.getSimpleName() + " is in the phase list twice; name the edit another way");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new IllegalStateException(type.getSimpleName() + " is not in the phase list this one is derived from");
        }
        return found;
    }
}
