package io.seedbootstrap.inventory.model;

import com.fasterxml.jackson.annotation.JsonValue;
import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Range;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;
import java.util.List;

/** MetalLB on the seed (contract H). */
public record MetalLb(
        @Doc("Install MetalLB.") @Default("false") boolean enabled,
        @Doc("l2 (ARP/NDP) or bgp.") @Default("l2") Mode mode,
        @Doc("Address pools (IPAddressPool).") List<Pool> pools,
        @Doc("BGP peers (mode: bgp).") List<BgpPeer> bgpPeers) {

    public enum Mode {
        L2, BGP;

        @JsonValue
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Pool(
            @Doc("Pool name.") @Required @Format(TextFormat.DNS_LABEL) String name,
            @Doc("CIDRs or first-last ranges.") @Required @Format(TextFormat.IP_RANGE) List<String> addresses,
            @Doc("Assign from this pool automatically.") @Default("true") boolean autoAssign) {}

    public record BgpPeer(
            @Doc("Peer router address.") @Required @Format(TextFormat.IP) String peerAddress,
            @Doc("Peer AS number.") @Required @Range(min = 1, max = 4294967295L) long peerAsn,
            @Doc("Our AS number.") @Required @Range(min = 1, max = 4294967295L) long myAsn) {}
}
