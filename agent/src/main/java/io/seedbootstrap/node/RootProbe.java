package io.seedbootstrap.node;

import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one command preflight runs as root: {@code ss -ltnp}, which names the processes holding
 * listening ports (without root, ss hides other users' processes). That it runs at all is the
 * sudo check. Read-only.
 */
final class RootProbe {
    static final String SCRIPT = "LC_ALL=C ss -ltnp";
    private static final Pattern USERS = Pattern.compile("\\(\"([^\"]*)\",pid=(\\d+)");

    private RootProbe() {}

    static List<Listener> run(RemoteHost host) {
        String out = host.exec(RemoteCommand.shell(SCRIPT, "ss -ltnp (read-only)").asRoot().timeout(Duration.ofSeconds(30))).stdout();
        return parse(out);
    }

    /** Parses {@code ss -ltnp}: header line, then {@code State Recv-Q Send-Q Local Peer [users:((...))]}. */
    static List<Listener> parse(String output) {
        List<Listener> listeners = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 5 || !f[0].equals("LISTEN")) {
                continue;
            }
            String local = f[3];
            int colon = local.lastIndexOf(':');
            int port;
            try {
                port = Integer.parseInt(local.substring(colon + 1));
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                continue;
            }
            String address = local.substring(0, Math.max(colon, 0));
            Matcher m = USERS.matcher(line);
            if (m.find()) {
                listeners.add(new Listener(address, port, m.group(1), Long.parseLong(m.group(2))));
            } else {
                listeners.add(new Listener(address, port, "", 0));
            }
        }
        return listeners;
    }
}
