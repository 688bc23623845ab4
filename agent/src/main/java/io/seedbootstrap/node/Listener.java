package io.seedbootstrap.node;

/**
 * A listening TCP socket and, when root could see it, the process that holds it.
 *
 * @param process the process name as {@code ss -p} shows it (the kernel's comm, at most 15
 *                characters), empty when unknown
 * @param pid     0 when unknown
 */
public record Listener(String address, int port, String process, long pid) {

    public boolean ownerKnown() {
        return !process.isEmpty();
    }

    public String describeOwner() {
        return ownerKnown() ? process + " (pid " + pid + ")" : "a process we could not identify";
    }
}
