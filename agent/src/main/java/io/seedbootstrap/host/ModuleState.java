package io.seedbootstrap.host;

/** What the probe could tell about a kernel module on the running kernel. */
public enum ModuleState {
    /** In /sys/module: loaded (or built in with parameters). */
    LOADED,
    /** Listed in modules.builtin of the running kernel. */
    BUILTIN,
    /** Not loaded, but modules.dep of the running kernel has it: modprobe can load it. */
    AVAILABLE,
    /** Not loaded and the running kernel's modules.dep and modules.builtin do not list it. */
    MISSING,
    /** Not loaded and /lib/modules/$(uname -r) is absent (a container, or a kernel without its modules). */
    UNKNOWN;

    public static ModuleState of(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        return switch (value) {
            case "loaded" -> LOADED;
            case "builtin" -> BUILTIN;
            case "available" -> AVAILABLE;
            case "missing" -> MISSING;
            default -> UNKNOWN;
        };
    }
}
