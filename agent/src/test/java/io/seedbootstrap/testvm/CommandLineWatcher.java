package io.seedbootstrap.testvm;

/**
 * Records every process command line seen on a test machine while it runs, to show that a secret
 * never appears in argv: a Python loop reads {@code /proc/<pid>/cmdline} of every process each
 * millisecond (fast enough to see short-lived processes such as sudo itself) and appends each
 * new one to a log on the machine. It costs most of a core while it runs: start it just before
 * what it must watch.
 */
public final class CommandLineWatcher {
    private static final String SCRIPT = "/root/cmdline-watch.py";
    private static final String LOG = "/root/cmdlines.log";
    private static final String STOP = "/root/cmdline-watch.stop";

    private final TestMachine machine;

    private CommandLineWatcher(TestMachine machine) {
        this.machine = machine;
    }

    /** Starts watching {@code machine} (as root, detached from the calling command). */
    public static CommandLineWatcher start(TestMachine machine) {
        String watcher = String.join("\n",
                "import os, time",
                "seen = set()",
                "out = open('" + LOG + "', 'a')",
                "while not os.path.exists('" + STOP + "'):",
                "    for pid in os.listdir('/proc'):",
                "        if not pid.isdigit():",
                "            continue",
                "        try:",
                "            c = open('/proc/' + pid + '/cmdline', 'rb').read()",
                "        except OSError:",
                "            continue",
                "        if c and c not in seen:",
                "            seen.add(c)",
                "            out.write(c.replace(b'\\0', b' ').decode('utf-8', 'replace') + '\\n')",
                "            out.flush()",
                "    time.sleep(0.001)",
                "");
        machine.exec("sh", "-c", "cat > " + SCRIPT + " <<'EOF'\n" + watcher + "EOF\n").orThrow("write the command line watcher");
        machine.sh("rm -f " + STOP + "; setsid python3 " + SCRIPT + " >/dev/null 2>&1 </dev/null &").orThrow("start the command line watcher");
        return new CommandLineWatcher(machine);
    }

    /** Stops the watcher and returns every command line it saw, one per line (arguments joined by spaces). */
    public String stop() {
        machine.sh("touch " + STOP + "; sleep 0.3").orThrow("stop the command line watcher");
        return machine.exec("cat", LOG).orThrow("read the command line watcher's log").stdout();
    }
}
