package io.seedbootstrap.preflight;

import io.seedbootstrap.bind.NetAddresses;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import java.util.Optional;

/**
 * The IP a node uses inside the cluster and where it comes from: {@code hosts[].nodeIp}, else the
 * SSH address when it is a (non-loopback) IP, else what RKE2 itself picks: the address of the
 * default route's interface (contract A.2).
 */
record NodeIp(String ip, Source source) {

    enum Source {
        NODE_IP("hosts[].nodeIp"), ADDRESS("hosts[].address"), DEFAULT_ROUTE("the default route's interface, as RKE2 picks it");

        final String description;

        Source(String description) {
            this.description = description;
        }
    }

    /** Empty when none can be told (a DNS name as address, no nodeIp, no facts or no default route). */
    static Optional<NodeIp> of(Host host, HostFacts facts) {
        if (host.nodeIp() != null && !host.nodeIp().isBlank()) {
            return Optional.of(new NodeIp(host.nodeIp(), Source.NODE_IP));
        }
        if (NetAddresses.isIp(host.address()) && !NetAddresses.parseIp(host.address()).isLoopbackAddress()) {
            return Optional.of(new NodeIp(host.address(), Source.ADDRESS));
        }
        if (facts != null && !facts.defaultRouteIpv4().isEmpty()) {
            return Optional.of(new NodeIp(facts.defaultRouteIpv4(), Source.DEFAULT_ROUTE));
        }
        return Optional.empty();
    }

    boolean ipv4() {
        return !ip.contains(":");
    }
}
