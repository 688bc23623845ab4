package io.seedbootstrap.preflight;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Listener;
import java.util.List;

/**
 * What preflight learned about one host before judging it.
 *
 * @param connectFailure null when connected; else the check that failed (REACHABLE or AUTH) and why
 * @param facts          null when not connected or the facts probe failed
 * @param factsError     why the facts probe failed, or null
 * @param sudoError      null when root commands work (or the login user is root)
 * @param listeners      listening sockets with their owners (from the root probe); null when sudo failed
 */
public record HostProbe(Host host, Failure connectFailure, HostFacts facts, String factsError, String sudoError,
        List<Listener> listeners) {

    /** Why a host could not be used. */
    public record Failure(Check check, String message) {}

    public boolean connected() {
        return connectFailure == null;
    }

    public String name() {
        return host.name();
    }

    static HostProbe unreachable(Host host, Failure failure) {
        return new HostProbe(host, failure, null, null, null, null);
    }
}
