package io.seedbootstrap.inventory;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * Whether an inventory address is the machine seed-bootstrap runs on: the address (an IP, or a
 * name resolved as the system resolves it) is one of this machine's interface addresses. Decides
 * which host is reached without SSH (docs/formats.md "Which host is local").
 */
@FunctionalInterface
public interface ThisMachine {
    /** How an address relates to this machine. */
    enum Match {
        /** Not an address of this machine (or a name that does not resolve). */
        OTHER,
        /** A loopback address (127.0.0.0/8, ::1, localhost): this machine, but also what SSH tunnels and port forwards use. */
        LOOPBACK,
        /** An address of one of this machine's network interfaces. */
        INTERFACE
    }

    Match match(String address);

    /** This machine's interfaces, looked up at each call (they are few; a resolver answers names). */
    static ThisMachine detect() {
        return address -> {
            InetAddress[] resolved;
            try {
                resolved = InetAddress.getAllByName(address);
            } catch (UnknownHostException | SecurityException e) {
                return Match.OTHER;
            }
            Match best = Match.OTHER;
            for (InetAddress a : resolved) {
                if (a.isLoopbackAddress()) {
                    best = best == Match.OTHER ? Match.LOOPBACK : best;
                    continue;
                }
                try {
                    if (NetworkInterface.getByInetAddress(a) != null) {
                        return Match.INTERFACE;
                    }
                } catch (SocketException e) {
                    // no interface list: not known to be ours
                }
            }
            return best;
        };
    }
}
