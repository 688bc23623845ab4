package io.seedbootstrap.node;

import io.seedbootstrap.support.ShellQuote;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shell of preflight's reachability probes ({@link NodeProbes#startListeners},
 * {@link NodeProbes#holdListeners}, {@link NodeProbes#connect}) and the parsing of what it prints.
 *
 * <p>A temporary listener runs as the login user (no root needed above 1024):
 * {@code setsid timeout N python3|socat}; it writes no file. It lives as long as the run: a hold
 * command ({@link #holdScript}) kills it when its stdin ends, which is when the run releases it or
 * when the run's SSH channel closes (crash, link lost); N is only a backstop. It is killed by
 * process group, only after checking that the group leader's command line carries {@link #MARKER}.
 */
final class PortProbes {
    static final String MARKER = "seed-bootstrap-preflight";
    static final int CONNECT_TIMEOUT_SECONDS = 3;
    /**
     * Tries per target: a connect that timed out is tried once more before it counts, because on a
     * busy host starting the probe itself can eat the timeout (seen with 30 probes at once on a
     * loaded 2-core machine); a refused or failed connect is final at once.
     */
    static final int ATTEMPTS = 2;
    /** Connects one host runs at once: all ↔ all grows as N², a seed of a few dozen hosts stays within a few waves. */
    static final int AT_ONCE = 32;

    private static final String PYTHON_LISTENER = "import socket,sys\n"
            + "s=socket.socket()\n"
            + "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
            + "s.bind(('',int(sys.argv[1])))\n"
            + "s.listen(64)\n"
            + "while 1:\n"
            + "  c,a=s.accept()\n"
            + "  c.close()\n";

    private PortProbes() {}

    /**
     * Prints {@code pid PID PORT bound|unbound} per port. Every listener is started first, then
     * all are awaited together (up to 3 s in all, not per port: a server has five to start).
     */
    static String startScript(String tool, List<Integer> ports, int lifetime) {
        StringBuilder s = new StringBuilder("export LC_ALL=C\n");
        for (int port : ports) {
            String command = tool.equals("python3")
                    ? "python3 -c " + ShellQuote.quote(PYTHON_LISTENER) + " " + port
                    : "sh -c " + ShellQuote.quote("exec socat TCP-LISTEN:\"$1\",reuseaddr,fork OPEN:/dev/null") + " sh " + port;
            // setsid: its own process group, not tied to this SSH session; timeout: the backstop
            s.append("setsid timeout ").append(lifetime).append(' ').append(command).append(' ').append(MARKER)
                    .append(" >/dev/null 2>&1 </dev/null &\n")
                    .append("pid_").append(port).append("=$!\n");
        }
        String all = ports.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" "));
        s.append("waiting='").append(all).append("'; bound=' '; i=0\n")
                .append("while [ -n \"$waiting\" ] && [ $i -lt 30 ]; do left=''\n")
                .append("  for p in $waiting; do if [ -n \"$(ss -ltn \"sport = :$p\" 2>/dev/null | tail -n +2)\" ]; then bound=\"$bound$p \";")
                .append(" else left=\"$left $p\"; fi; done\n")
                .append("  waiting=$left; [ -z \"$waiting\" ] || sleep 0.1; i=$((i+1))\n")
                .append("done\n");
        for (int port : ports) {
            s.append("case \"$bound\" in *' ").append(port).append(" '*) st=bound;; *) st=unbound;; esac; echo \"pid $pid_")
                    .append(port).append(' ').append(port).append(" $st\"\n");
        }
        return s.toString();
    }

    static Map<Integer, NodeProbes.Started> parseStarted(String out) {
        Map<Integer, NodeProbes.Started> started = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] w = line.strip().split(" ", 4);
            if (w.length >= 3 && w[0].equals("pid") && w[1].matches("\\d+") && w[2].matches("\\d+")) {
                started.put(Integer.parseInt(w[2]), new NodeProbes.Started(Long.parseLong(w[1]), w.length == 4 && w[3].equals("bound")));
            }
        }
        return started;
    }

    static String stopScript(List<Long> groups) {
        StringBuilder s = new StringBuilder();
        for (long pid : groups) {
            // the group leader must still be our listener (its argv carries the marker): never kill a reused pid
            s.append("if grep -qa ").append(MARKER).append(" /proc/").append(pid).append("/cmdline 2>/dev/null; then kill -- -")
                    .append(pid).append(" 2>/dev/null; fi\n");
        }
        return s.append("true\n").toString();
    }

    /**
     * Waits for end of file on stdin (the run releases it, or its SSH channel closes because the
     * run died), then stops the listeners as {@link #stopScript} does.
     */
    static String holdScript(List<Long> groups) {
        return "cat >/dev/null\n" + stopScript(groups);
    }

    /**
     * The connects in one python3 process, {@link #AT_ONCE} threads: the timeout covers the TCP
     * connect only. The shell version's timeout also covers starting {@code timeout} and
     * {@code bash} per target, which on a loaded host (many hosts probing at once, seen at 10 test
     * machines on 2 cores) ate the 3 s and reported open ports as "no answer".
     * argv: timeout attempts threads, then address port per target; prints as {@link #connectScript}.
     */
    private static final String PYTHON_CONNECTS = "import socket,sys\n"
            + "from concurrent.futures import ThreadPoolExecutor\n"
            + "T=float(sys.argv[1]);A=int(sys.argv[2]);W=int(sys.argv[3]);a=sys.argv[4:]\n"
            + "def probe(i):\n"
            + "  for n in range(A):\n"
            + "    try:\n"
            + "      socket.create_connection((a[2*i],int(a[2*i+1])),T).close();return '%d 0 '%i\n"
            + "    except socket.timeout:\n"
            + "      r='%d 124 timed out'%i\n"
            + "    except OSError as e:\n"
            + "      return '%d 1 %s'%(i,e.strerror or e)\n"
            + "  return r\n"
            + "with ThreadPoolExecutor(W) as x:\n"
            + "  for line in x.map(probe,range(len(a)//2)):print(line,flush=True)\n";

    /**
     * One line per target: {@code INDEX EXIT [last error line]} (0 connected, 124 no answer in
     * time); at most {@link #AT_ONCE} targets at a time, each try bounded by
     * {@link #CONNECT_TIMEOUT_SECONDS}, a target that timed out tried {@link #ATTEMPTS} times, so
     * a wave takes at most {@link #waveSeconds()}. With python3 on the host in one process
     * ({@link #PYTHON_CONNECTS}), else with bash's /dev/tcp ({@link #shellConnectScript}).
     */
    static String connectScript(List<NodeProbes.Endpoint> targets) {
        StringBuilder s = new StringBuilder("export LC_ALL=C\n")
                .append("if command -v python3 >/dev/null 2>&1; then exec python3 -c ").append(ShellQuote.quote(PYTHON_CONNECTS))
                .append(' ').append(CONNECT_TIMEOUT_SECONDS).append(' ').append(ATTEMPTS).append(' ').append(AT_ONCE);
        for (NodeProbes.Endpoint t : targets) {
            s.append(' ').append(ShellQuote.quote(t.address())).append(' ').append(t.port());
        }
        return s.append("\nfi\n").append(shellConnectScript(targets)).toString();
    }

    /** {@link #connectScript} without python3: a background bash per target, in waves of {@link #AT_ONCE}. */
    static String shellConnectScript(List<NodeProbes.Endpoint> targets) {
        StringBuilder s = new StringBuilder("export LC_ALL=C\n")
                .append("probe() { n=0; while :; do e=$(timeout ").append(CONNECT_TIMEOUT_SECONDS)
                .append(" bash -c 'exec 3<>\"/dev/tcp/$0/$1\"' \"$2\" \"$3\" 2>&1); r=$?; n=$((n+1));")
                .append(" [ $r -eq 124 ] && [ $n -lt ").append(ATTEMPTS).append(" ] || break; done;")
                .append(" echo \"$1 $r $(printf '%s' \"$e\" | tail -n 1)\"; }\n");
        for (int i = 0; i < targets.size(); i++) {
            NodeProbes.Endpoint t = targets.get(i);
            s.append("probe ").append(i).append(' ').append(ShellQuote.quote(t.address())).append(' ').append(t.port()).append(" &\n");
            if ((i + 1) % AT_ONCE == 0 && i + 1 < targets.size()) {
                s.append("wait\n");
            }
        }
        return s.append("wait\n").toString();
    }

    /** The longest one wave of connects takes: every try of a target timing out. */
    static int waveSeconds() {
        return CONNECT_TIMEOUT_SECONDS * ATTEMPTS;
    }

    /** Waves of {@link #AT_ONCE} the connect script runs for {@code targets}. */
    static int waves(int targets) {
        return (targets + AT_ONCE - 1) / AT_ONCE;
    }

    /** The connect script's output, one entry per target (null where it printed nothing for it). */
    static List<NodeProbes.Connect> parseConnects(String out, int targets) {
        Map<Integer, NodeProbes.Connect> lines = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] w = line.strip().split(" ", 3);
            if (w.length >= 2 && w[0].matches("\\d+") && w[1].matches("-?\\d+")) {
                lines.put(Integer.parseInt(w[0]), new NodeProbes.Connect(Integer.parseInt(w[1]), w.length > 2 ? w[2] : ""));
            }
        }
        List<NodeProbes.Connect> results = new ArrayList<>();
        for (int i = 0; i < targets; i++) {
            results.add(lines.get(i));
        }
        return results;
    }
}
