package io.seedbootstrap.host;

import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.StagedFiles;
import io.seedbootstrap.ssh.Upload;
import io.seedbootstrap.ssh.UploadResult;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.ShellQuote;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts one file on many hosts while sending it over the operator's link once: the operator
 * uploads it to the first receiver, then hosts that have a verified copy send it to hosts that
 * do not ({@link RelaySchedule}: the holders double each round), each receiver checking the
 * sha256 the caller expects (a bundle file's, from its signed manifest) before renaming into
 * place. The operator's own uploads carry the same value ({@link Upload#expecting}): a local file
 * that changed since it was verified is refused before any host has it. A receiver that gets a
 * bad copy is sent the file by the operator directly.
 *
 * <p>A hop from S to R, all of it through {@link RemoteHost#exec} as root:
 * <ol>
 * <li>S generates a one-hop ed25519 key pair in {@value #RELAY_DIR} (the private key never leaves
 *     S, never appears in argv) and a known_hosts file holding only R's host key <i>as the
 *     operator verified it</i> ({@link RemoteHost#hostKey()}), so S checks R's real key with
 *     {@code StrictHostKeyChecking=yes};
 * <li>R gets a receive script in {@value #RELAY_DIR} and, in root's authorized_keys, the public
 *     key restricted by {@code restrict,from="<S's source address>",command="<that script>"},
 *     commented {@code seed-bootstrap-relay <run>-<hop>}: the key can only write that one file
 *     into R's staging area, and only from S;
 * <li>S runs OpenSSH {@code ssh root@R < target}; the receive script hashes the file as it lands;
 * <li>R checks the expected sha256 and renames into place ({@link StagedFiles#finish}); a copy
 *     that does not match is deleted, never renamed;
 * <li>both sides' credentials are removed, whatever happened, and by a JVM shutdown hook if the
 *     run is interrupted (Ctrl-C, kill) meanwhile. Those of any other run (one killed with -9)
 *     are removed by {@link #removeLeftovers}, which every run calls on every host once it holds
 *     the host lock (TakeLock), and {@link #sweep} on each receiver before its first hop where the run
 *     did not do that already ({@link #alreadySwept}).
 * </ol>
 *
 * <p>Needs OpenSSH's {@code ssh} and {@code ssh-keygen} on senders and root login by key
 * ({@code PermitRootLogin} other than {@code no}) on receivers; where that is missing the hop
 * fails and the operator sends the file to that receiver itself (a warning says why).
 */
public final class Relay {
    public static final String RELAY_DIR = StagedFiles.STATE_DIR + "/relay";
    /** Comment on every authorized_keys line and key the relay creates. */
    public static final String MARKER = "seed-bootstrap-relay";
    /** The name the sender's temporary known_hosts gives the receiver (HostKeyAlias). */
    private static final String PEER_ALIAS = "seed-bootstrap-relay-peer";
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.]{0,63}");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:%_-]{1,253}");
    private static final Pattern HOST_KEY = Pattern.compile("(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/=]+");
    private static final int EXIT_NO_ROOT_LOGIN = 67;
    /** How long an interrupted run spends removing a hop's credentials before it exits. */
    static final Duration EXIT_CLEAN_UP = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    /**
     * A receiver and how the other hosts reach it: the inventory's {@code nodeIp} when set, else
     * its {@code address} (what the operator uses may be a NAT or a jump away).
     */
    public record Peer(RemoteHost host, String address, int port) {
        public Peer {
            Objects.requireNonNull(host, "host");
            if (address == null || !ADDRESS.matcher(address).matches()) {
                throw new IllegalArgumentException("peer address of " + host.name() + " is not a host name or IP: " + address);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
        }

        /**
         * The peer address of an inventory host: nodeIp, else address; with the SSH port the
         * inventory gives it (ssh.port / hosts[].ssh.port), as its sshd listens there for peers too.
         */
        public static Peer of(RemoteHost host, io.seedbootstrap.inventory.model.Host config, int sshPort) {
            return new Peer(host, config.nodeIp() != null ? config.nodeIp() : config.address(), sshPort);
        }

        public String name() {
            return host.name();
        }
    }

    /** Progress of a distribution; called on the working threads, synchronously. */
    public interface Listener {
        Listener NONE = new Listener() {};

        /**
         * Before S sends to R (S's copies have been verified by then); {@code what}: the target
         * of a one-file distribution, else "N files".
         */
        default void hopStarting(String from, String to, String what) {}

        /** After the hop; {@code ok} false: {@code detail} says why, and the operator sends to {@code to}. */
        default void hopFinished(String from, String to, String what, boolean ok, String detail) {}
    }

    /** How one host got the files. */
    public enum Source { OPERATOR, HOST, ALREADY_THERE }

    /**
     * One file of a distribution: the operator's copy, the content every receiver's copy must
     * have (a bundle file's sha256 and size, from its signed manifest), where it goes, its mode
     * and owner (null: root's).
     */
    public record Item(Path file, String sha256, long size, String target, String mode, String owner) {
        public Item {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(mode, "mode");
        }

        StagedFiles.Expected expected() {
            return new StagedFiles.Expected(target, sha256, size, mode, owner);
        }
    }

    /**
     * What a distribution did.
     *
     * @param operatorBytes file bytes the operator sent (over every upload, re-sends included)
     * @param servedBy      receiver name to the host that sent it its copies (relayed hosts only)
     * @param resent        receivers the operator sent the files to after a relay hop failed or
     *                      served a bad copy
     * @param badSources    hosts that served a copy that did not verify
     */
    public record Result(List<Item> items, long operatorBytes, Map<String, Source> sources,
            Map<String, String> servedBy, List<String> resent, List<String> badSources, int rounds, Duration duration) {

        /** The bytes of all items (one receiver's share). */
        public long size() {
            return items.stream().mapToLong(Item::size).sum();
        }

        /** operatorBytes / size: 1.0 when the files crossed the operator's link once. */
        public double operatorSends() {
            return size() == 0 ? 0 : (double) operatorBytes / size();
        }
    }

    private final String runId;
    private final Hosts hosts;
    private final Listener listener;
    private final Duration hopTimeout;
    private final AtomicInteger hops = new AtomicInteger();
    /** Hosts swept in this run (sweeping once per host is enough: later hops are our own). */
    private final Set<String> swept = ConcurrentHashMap.newKeySet();

    /**
     * @param runId      marks this run's credentials; any other run's are swept
     * @param hopTimeout added to the transfer time a hop may take (1 s per MB, as uploads)
     */
    public Relay(String runId, Hosts hosts, Listener listener, Duration hopTimeout) {
        if (!RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("run id must be letters, digits, '_' or '.': " + runId);
        }
        this.runId = runId;
        this.hosts = Objects.requireNonNull(hosts);
        this.listener = Objects.requireNonNull(listener);
        this.hopTimeout = Objects.requireNonNull(hopTimeout);
    }

    public String runId() {
        return runId;
    }

    // --- distribute ------------------------------------------------------------------------

    /** {@link #distribute(List, List)} of one file. */
    public Result distribute(Path file, String sha256, long size, String target, String mode, String owner, List<Peer> receivers) {
        return distribute(List.of(new Item(file, sha256, size, target, mode, owner)), receivers);
    }

    /**
     * Puts every item on every receiver as one batch: each hop carries all the files in one
     * stream under one set of hop credentials, so a distribution costs ceil(log2 N) rounds of
     * fixed costs (key pair, forced-command key, ssh, clean-up) however many files it has. The
     * operator's uploads and every hop check each item's sha256 and size, not what the file on
     * disk hashes to now. Hosts that already have all the items are not sent anything and serve
     * as sources; a host missing any gets them all (the callers batch files the same hosts lack).
     */
    public Result distribute(List<Item> items, List<Peer> receivers) {
        return distribute(items, receivers, true);
    }

    /**
     * {@link #distribute(List, List)} to receivers the caller knows lack every item (it read their
     * files holding their locks): they are not asked before the first round whether they have them.
     * One that had them after all is sent them again, checked as any other.
     */
    public Result distributeToLacking(List<Item> items, List<Peer> receivers) {
        return distribute(items, receivers, false);
    }

    private Result distribute(List<Item> items, List<Peer> receivers, boolean askFirst) {
        if (receivers.isEmpty()) {
            throw new IllegalArgumentException("no receivers");
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no files");
        }
        long t0 = System.nanoTime();
        List<Item> batch = List.copyOf(items);
        List<StagedFiles.Expected> expected = batch.stream().map(Item::expected).toList();
        String what = batch.size() == 1 ? batch.get(0).target() : batch.size() + " files";
        sweep(receivers.stream().map(Peer::host).toList());
        AtomicLong operatorBytes = new AtomicLong();
        Map<String, Source> sources = new ConcurrentHashMap<>();

        // The first receiver gets them from the operator (the uploader skips what is there). When
        // seed-bootstrap runs on one of the receivers (connection: local), that one is first: its
        // copies are local ones off the bundle, and every other host gets the files from the hosts.
        List<Peer> order = localFirst(receivers);
        Peer first = order.get(0);
        boolean sent = uploadAll(first, batch, operatorBytes);
        sources.put(first.name(), sent ? Source.OPERATOR : Source.ALREADY_THERE);

        List<Peer> rest = order.subList(1, order.size());
        Map<Peer, Boolean> have = askFirst ? hosts.parallel(rest, Peer::name, p -> hasAll(p, expected))
                : rest.stream().collect(Collectors.toMap(p -> p, p -> false));
        List<Peer> holders = new ArrayList<>(List.of(first));
        List<Peer> pending = new ArrayList<>();
        for (Peer p : rest) {
            if (have.get(p)) {
                holders.add(p);
                sources.put(p.name(), Source.ALREADY_THERE);
            } else {
                pending.add(p);
            }
        }
        // fix mode/owner on hosts that had the content (the uploader does the same when it skips)
        String fixModes = batch.stream().map(i -> "chmod " + i.mode() + " -- " + quote(i.target())
                + (i.owner() != null ? " && chown " + quote(i.owner()) + " -- " + quote(i.target()) : "")).collect(Collectors.joining("\n"));
        hosts.parallel(holders.subList(1, holders.size()), Peer::name,
                p -> p.host().exec(RemoteCommand.shell("set -e\n" + fixModes + "\n", "chmod/chown " + what).asRoot()));

        long bytes = batch.stream().mapToLong(Item::size).sum();
        RelaySchedule.Plan<Peer> plan = new RelaySchedule<Peer>().run(holders, pending, new RelaySchedule.Transfers<>() {
            @Override
            public Map<Peer, RelaySchedule.Outcome> round(Map<Peer, Peer> round) {
                Map<Peer, RelaySchedule.Outcome> out = new LinkedHashMap<>();
                hosts.parallel(round.keySet(), Peer::name, from -> hop(from, round.get(from), batch, what, bytes))
                        .forEach((from, outcome) -> out.put(round.get(from), outcome));
                return out;
            }

            @Override
            public void direct(List<Peer> peers) {
                hosts.parallel(peers, Peer::name, p -> {
                    uploadAll(p, batch, operatorBytes); // refuses a file that no longer has its sha256
                    sources.put(p.name(), Source.OPERATOR);
                    return null;
                });
            }

            @Override
            public Map<Peer, Boolean> recheck(List<Peer> peers) {
                return hosts.parallel(peers, Peer::name, p -> hasAll(p, expected));
            }
        });
        Map<String, String> servedBy = new LinkedHashMap<>();
        plan.servedBy().forEach((to, from) -> {
            servedBy.put(to.name(), from.name());
            sources.put(to.name(), Source.HOST);
        });
        Map<String, Source> ordered = new LinkedHashMap<>();
        receivers.forEach(p -> ordered.put(p.name(), sources.get(p.name())));
        Result result = new Result(batch, operatorBytes.get(), ordered, servedBy,
                plan.direct().stream().map(Peer::name).toList(), plan.suspects().stream().map(Peer::name).toList(),
                plan.rounds(), Duration.ofNanos(System.nanoTime() - t0));
        log.info("relay {}: {} host(s), {} relayed in {} round(s), operator sent {} bytes ({}x the files){}", what,
                receivers.size(), servedBy.size(), plan.rounds(), result.operatorBytes(),
                String.format(java.util.Locale.ROOT, "%.2f", result.operatorSends()),
                result.resent().isEmpty() ? "" : ", re-sent directly to " + String.join(", ", result.resent()));
        return result;
    }

    /**
     * The operator's uploads of every item to {@code peer} (the uploader skips, resumes and
     * verifies each); true when any bytes were sent.
     */
    private boolean uploadAll(Peer peer, List<Item> batch, AtomicLong operatorBytes) {
        // the files side by side (each its own channel; the run's upload slots bound the streams):
        // a small file's probe and receive need not wait for the others'
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Map<Item, UploadResult> results;
        try {
            results = hosts.parallel(batch, i -> peer.name() + " " + i.target(), i -> {
                try {
                    return peer.host().upload(Upload.of(i.file(), i.target()).mode(i.mode()).owner(i.owner())
                            .gate(hosts.uploadSlots()).expecting(i.sha256(), i.size()));
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    throw e;
                }
            });
        } catch (SeedException e) {
            // the upload's own failure (e.g. SshFailure SOURCE_CHANGED), not the summary of the parallel run
            throw failure.get() != null ? failure.get() : e;
        }
        results.values().forEach(r -> operatorBytes.addAndGet(r.bytesSent()));
        return results.values().stream().anyMatch(r -> r.status() != UploadResult.Status.SKIPPED);
    }

    /** One command: does {@code peer} have every file with its size and sha256? */
    private static boolean hasAll(Peer peer, List<StagedFiles.Expected> expected) {
        Map<Integer, String> hashes = StagedFiles.parseHashes(peer.host().exec(StagedFiles.hashesIfSize(expected)));
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).sha256().equals(hashes.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The receivers with the local one (if any) moved to the front, the others in their order. */
    static List<Peer> localFirst(List<Peer> receivers) {
        List<Peer> ordered = new ArrayList<>(receivers.size());
        receivers.stream().filter(p -> p.host().isLocal()).forEach(ordered::add);
        receivers.stream().filter(p -> !p.host().isLocal()).forEach(ordered::add);
        return ordered;
    }

    // --- one hop ---------------------------------------------------------------------------

    private RelaySchedule.Outcome hop(Peer from, Peer to, List<Item> batch, String what, long size) {
        String name = runId + "-" + hops.incrementAndGet();
        String key = RELAY_DIR + "/" + name + ".key";
        String knownHosts = RELAY_DIR + "/" + name + ".known_hosts";
        String recv = RELAY_DIR + "/" + name + ".recv";
        String marker = MARKER + " " + name;
        String senderCleanUp = "rm -f -- " + quote(key) + " " + quote(key + ".pub") + " " + quote(knownHosts);
        String receiverCleanUp = "rm -f -- " + quote(recv) + "\n" + rewriteAuthorizedKeys(
                "substr($0, length($0) - length(m) + 1) == m { next } { print }", " " + marker);
        // Ctrl-C or kill (not -9) while the credentials exist: the JVM runs this before it exits
        Thread onExit = new Thread(() -> removeOnExit(from, senderCleanUp, to, receiverCleanUp, name), "relay-" + name + "-on-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
        listener.hopStarting(from.name(), to.name(), what);
        RelaySchedule.Outcome outcome = RelaySchedule.Outcome.FAILED;
        String detail = "";
        try {
            String hostKey = to.host().hostKey().orElseThrow(() -> new SeedException(ExitCode.FAILED,
                    "the operator has no verified host key of " + to.name() + " to give to " + from.name()));
            if (!HOST_KEY.matcher(hostKey).matches()) {
                throw new SeedException(ExitCode.FAILED, "unexpected host key format for " + to.name());
            }
            // 1. the sender: key pair, known_hosts with the receiver's verified key, source address
            ExecResult s = from.host().exec(RemoteCommand.shell("set -eu\numask 077\n"
                    + "mkdir -p " + RELAY_DIR + "\nchmod 0700 " + StagedFiles.STATE_DIR + " " + RELAY_DIR + "\n"
                    + "k=" + quote(key) + "\nrm -f -- \"$k\" \"$k.pub\"\n"
                    + "ssh-keygen -q -t ed25519 -N '' -C " + quote(marker) + " -f \"$k\" </dev/null >/dev/null\n"
                    + "printf '%s %s\\n' " + PEER_ALIAS + " " + quote(hostKey) + " > " + quote(knownHosts) + "\n"
                    + "echo \"pub $(cat -- \"$k.pub\")\"\n"
                    + "src=$(ip -o route get " + quote(to.address()) + " 2>/dev/null | sed -n 's/.* src \\([^ ]*\\).*/\\1/p') || true\n"
                    + "echo \"src $src\"\n", "relay " + name + ": key pair and known_hosts for " + to.name()).asRoot());
            String pub = field(s, "pub");
            String src = field(s, "src");
            if (src == null || src.isBlank() || !ADDRESS.matcher(src).matches()) {
                src = from.address();
            }
            if (pub == null || !pub.startsWith("ssh-ed25519 ") || !pub.endsWith(" " + marker)) {
                throw new SeedException(ExitCode.FAILED, from.name() + ": ssh-keygen printed no usable public key");
            }
            // 2. the receiver: the receive script, and the restricted key in root's authorized_keys
            List<StagedFiles.Expected> expected = batch.stream().map(Item::expected).toList();
            String staged = batch.size() == 1 ? StagedFiles.stagedPath(batch.get(0).target()) : batch.size() + " staged files";
            String line = "restrict,from=\"" + src + "\",command=\"/bin/sh " + recv + "\" " + pub;
            ExecResult a = to.host().exec(RemoteCommand.shell(authorizeScript(recv, line, src),
                    "relay " + name + ": allow " + from.name() + " (" + src + ") to write " + staged)
                    .asRoot().allowFailure()
                    .stdin(RemoteCommand.Stdin.of(StagedFiles.receiveEachScript(expected))));
            if (a.exitCode() == EXIT_NO_ROOT_LOGIN) {
                throw new SeedException(ExitCode.FAILED, to.name() + ": " + a.stderrTail(1));
            }
            a.orThrow();
            // 3. the sender streams its verified copies, one after the other, into the receiver's forced command
            ExecResult send = from.host().exec(RemoteCommand.shell(sendScript(key, knownHosts, hostKey, to,
                    batch.stream().map(Item::target).toList()), "relay " + name + ": send " + what + " to " + to.name() + " (" + to.address() + ")")
                    .asRoot().allowFailure().timeout(hopTimeout.plusSeconds(size / 1_000_000)));
            if (!send.ok()) {
                throw new SeedException(ExitCode.FAILED, from.name() + ": ssh to " + to.name() + " (" + to.address()
                        + ") exited " + send.exitCode() + ": " + send.stderrTail(3));
            }
            // 4. the receiver checks the sha256s the operator gave and renames into place
            ExecResult f = to.host().exec(StagedFiles.finishEach(expected));
            if (f.exitCode() == StagedFiles.EXIT_CHECKSUM) {
                outcome = RelaySchedule.Outcome.CORRUPT;
                Item bad = batch.get(Integer.parseInt(field(f, "bad")));
                detail = "the copy of " + bad.target() + " from " + from.name() + " arrived with "
                        + f.stderrTail(1).replace("sha256 mismatch on the host: got ", "sha256 ") + " instead of " + bad.sha256();
                log.warn("relay {}: {}: {}; the operator sends it instead", name, to.name(), detail);
            } else {
                f.orThrow();
                outcome = RelaySchedule.Outcome.OK;
            }
        } catch (RuntimeException e) {
            detail = e.getMessage();
            log.warn("relay {}: {} -> {} failed ({}); the operator sends {} to {} instead", name, from.name(), to.name(),
                    detail, what, to.name());
        } finally {
            // both sides at once (cleanUp never throws)
            hosts.parallel(List.of(from, to), Peer::name, p -> {
                cleanUp(p, p == from ? senderCleanUp : receiverCleanUp, name, null);
                return null;
            });
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException exiting) {
                // the JVM is exiting: the hook runs (or ran) the same idempotent clean-up
            }
        }
        listener.hopFinished(from.name(), to.name(), what, outcome == RelaySchedule.Outcome.OK, detail);
        return outcome;
    }

    private static String field(ExecResult r, String name) {
        for (String l : r.stdout().split("\n")) {
            if (l.startsWith(name + " ")) {
                return l.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    /** Root's authorized_keys files as sshd sees them for a login from {@code src}. */
    private static String authorizedKeysFiles(String src) {
        boolean ip = src != null && src.matches("[0-9.]+|[0-9A-Fa-f:]+");
        return "sshd=$(command -v sshd || echo /usr/sbin/sshd)\n"
                + "conf=$(\"$sshd\" -T" + (ip ? " -C user=root,host=" + src + ",addr=" + src : "") + " 2>/dev/null || true)\n"
                // root's home by the shell's tilde expansion, the tokens (%h, %u, %%, in sed's old order) and relative
                // paths in one awk: no process per file pattern (this runs in every lock command, issue 22)
                + "home=~root; case $home in /*) ;; *) home=/root ;; esac\n"
                + "files=$(awk -v home=\"$home\" '$1 == \"authorizedkeysfile\" { for (i = 2; i <= NF; i++) { p = $i; if (p == \"none\") continue;"
                + " gsub(/%h/, home, p); gsub(/%u/, \"root\", p); gsub(/%%/, \"%\", p); if (p !~ /^\\//) p = home \"/\" p; printf \" %s\", p } }' <<EOF\n"
                + "$conf\n"
                + "EOF\n"
                + ")\n"
                + "[ -n \"$files\" ] || files=\"$home/.ssh/authorized_keys\"\n";
    }

    private static String authorizeScript(String recv, String line, String src) {
        return "set -eu\numask 077\n"
                + "mkdir -p " + RELAY_DIR + "\nchmod 0700 " + StagedFiles.STATE_DIR + " " + RELAY_DIR + "\n"
                + "cat > " + quote(recv) + "\n"
                + authorizedKeysFiles(src)
                + "prl=$(printf '%s\\n' \"$conf\" | awk '$1 == \"permitrootlogin\" { print $2 }')\n"
                + "case ${prl:-prohibit-password} in\n"
                + "  yes|without-password|prohibit-password|forced-commands-only) ;;\n"
                + "  *) echo \"sshd does not let root log in with a key (PermitRootLogin $prl): the relay cannot write here\" >&2; exit "
                + EXIT_NO_ROOT_LOGIN + " ;;\n"
                + "esac\n"
                + "set -- $files; f=$1\n"
                + "d=$(dirname -- \"$f\"); [ -d \"$d\" ] || (umask 077 && mkdir -p -- \"$d\")\n"
                + "exec 9<" + RELAY_DIR + "\n"
                + "if command -v flock >/dev/null 2>&1; then flock -w 30 9; fi\n"
                + "if [ -s \"$f\" ] && [ -n \"$(tail -c 1 -- \"$f\")\" ]; then echo >> \"$f\"; fi\n"
                + "printf '%s\\n' " + quote(line) + " >> \"$f\"\n";
    }

    /** One ssh session carrying {@code targets}' contents back to back (the receiver splits them by size). */
    private static String sendScript(String key, String knownHosts, String hostKey, Peer to, List<String> targets) {
        String type = hostKey.substring(0, hostKey.indexOf(' '));
        String algorithms = type.equals("ssh-rsa") ? "rsa-sha2-512,rsa-sha2-256" : type;
        // -F /dev/null: root's own ssh config (proxies, other keys) must not change this hop;
        // StrictHostKeyChecking=yes against a known_hosts holding only the key the operator verified
        // one file: ssh reads it directly; several: cat joins them (a sender missing one sends a
        // short stream, which the receiver's size and sha256 checks refuse)
        String files = targets.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
        return (targets.size() == 1 ? "exec " : "cat -- " + files + " | ")
                + "ssh -F /dev/null -T -i " + quote(key)
                + " -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes -o PasswordAuthentication=no"
                + " -o KbdInteractiveAuthentication=no -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" + quote(knownHosts)
                + " -o GlobalKnownHostsFile=/dev/null -o HostKeyAlias=" + PEER_ALIAS + " -o CheckHostIP=no -o UpdateHostKeys=no"
                + " -o HostKeyAlgorithms=" + algorithms
                + " -o Ciphers=aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr"
                + " -o ConnectTimeout=15 -o ServerAliveInterval=5 -o ServerAliveCountMax=3 -o LogLevel=ERROR"
                + " -p " + to.port() + " root@" + quote(to.address()) + (targets.size() == 1 ? " < " + files : "") + "\n";
    }

    /** Shell that rewrites root's authorized_keys files through awk (with {@code m} set), keeping mode and owner. */
    private static String rewriteAuthorizedKeys(String awk, String m) {
        return authorizedKeysFiles(null)
                + "files=\"$files $home/.ssh/authorized_keys $home/.ssh/authorized_keys2\"\n"
                + "if [ -d " + RELAY_DIR + " ]; then exec 9<" + RELAY_DIR + "; command -v flock >/dev/null 2>&1 && flock -w 30 9 || true; fi\n"
                + "for f in $files; do\n"
                + "  [ -f \"$f\" ] && grep -q " + quote(" " + MARKER + " ") + " -- \"$f\" || continue\n"
                + "  tmp=\"$f.seed-bootstrap-relay.$$\"\n"
                + "  awk -v m=" + quote(m) + " " + quote(awk) + " \"$f\" > \"$tmp\"\n"
                + "  chown --reference=\"$f\" -- \"$tmp\"; chmod --reference=\"$f\" -- \"$tmp\"\n"
                + "  mv -f -- \"$tmp\" \"$f\"\n"
                + "done\n";
    }

    /** @param limit bound on the command (on exit), or null for the host's command timeout */
    private static void cleanUp(Peer p, String script, String name, Duration limit) {
        try {
            RemoteCommand command = RemoteCommand.shell(script, "relay " + name + ": remove its temporary credentials").asRoot();
            p.host().exec(limit != null ? command.timeout(limit) : command);
        } catch (RuntimeException e) {
            log.warn("{}: could not remove the relay credentials of {} ({}); the next run removes them",
                    p.name(), name, e.getMessage());
        }
    }

    /**
     * The shutdown hook of a hop: both sides' credentials removed in parallel over the run's
     * open connections, within {@link #EXIT_CLEAN_UP} so an interrupted run still ends promptly.
     * What it cannot reach (a dead link, kill -9) the next run's sweep removes.
     */
    private static void removeOnExit(Peer from, String senderCleanUp, Peer to, String receiverCleanUp, String name) {
        log.warn("relay {}: interrupted; removing its temporary credentials from {} and {}", name, to.name(), from.name());
        long deadline = System.nanoTime() + EXIT_CLEAN_UP.toNanos();
        Duration command = EXIT_CLEAN_UP.minusSeconds(1);
        Thread sender = new Thread(() -> cleanUp(from, senderCleanUp, name, command), "relay-" + name + "-on-exit-sender");
        sender.setDaemon(true);
        sender.start();
        Thread receiver = new Thread(() -> cleanUp(to, receiverCleanUp, name, command), "relay-" + name + "-on-exit-receiver");
        receiver.setDaemon(true);
        receiver.start();
        try {
            for (Thread t : List.of(receiver, sender)) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    t.join(Math.max(1, left / 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- sweep -----------------------------------------------------------------------------

    /**
     * Hosts whose relay credentials of other runs this run already removed, holding their lock
     * (TakeLock): {@link #sweep} does not ask them again.
     */
    public void alreadySwept(Collection<String> hostNames) {
        swept.addAll(hostNames);
    }

    /**
     * Removes relay credentials that runs other than this one left behind (a run that was
     * killed between creating and removing them): authorized_keys lines commented
     * {@code seed-bootstrap-relay <other run>-<n>}, and files in {@value #RELAY_DIR}. Each host
     * is swept once per run.
     */
    public void sweep(Collection<RemoteHost> targets) {
        List<RemoteHost> todo = targets.stream().filter(h -> !swept.contains(h.name())).toList();
        hosts.parallel(todo, RemoteHost::name, h -> {
            removeLeftovers(h, runId);
            swept.add(h.name());
            return null;
        });
    }

    /**
     * The runs other than {@code runId} whose relay credentials are on {@code host} (an
     * authorized_keys line of root's, or files in {@value #RELAY_DIR}), sorted; read-only. Every
     * run looks once it holds the host lock (so no live run of ours is relaying there), and
     * removes them with {@link #removeLeftovers}: a run killed with -9 leaves them behind.
     */
    public static List<String> leftovers(RemoteHost host, String runId) {
        return leftovers(host.exec(RemoteCommand.shell(LIST_CREDENTIALS, "relay: credentials of earlier runs?").asRoot()).stdout(), runId);
    }

    /**
     * Lists every relay credential on a host, one per line ({@code line <comment id>} for an
     * authorized_keys line of root's, {@code file <name>} for a file in {@value #RELAY_DIR});
     * read-only, as root, exits 0. A lock command may carry it ({@code NodeSystem#createLock}).
     */
    public static final String LIST_CREDENTIALS = "set -u\n" + authorizedKeysFiles(null)
            + "files=\"$files $home/.ssh/authorized_keys $home/.ssh/authorized_keys2\"\n"
            + "set --; for f in $files; do [ -f \"$f\" ] && set -- \"$@\" \"$f\"; done\n"
            + "if [ $# -gt 0 ]; then awk " + quote("index($0, \" " + MARKER + " \") { print \"line \" $NF }") + " \"$@\"; fi\n"
            + "if [ -d " + RELAY_DIR + " ]; then\n"
            + "  for f in " + RELAY_DIR + "/*; do [ -e \"$f\" ] && echo \"file ${f##*/}\"; done\n"
            + "fi\n"
            + "true\n";

    /** The runs other than {@code runId} in {@code listing}, the output of {@link #LIST_CREDENTIALS}, sorted. */
    public static List<String> leftovers(String listing, String runId) {
        java.util.TreeSet<String> runs = new java.util.TreeSet<>();
        for (String line : listing.split("\n")) {
            String[] f = line.strip().split(" ", 2);
            if (f.length == 2 && (f[0].equals("line") || f[0].equals("file"))) {
                // <run>-<hop> (a run id has no '-'); a file without one is not of a run, and still not ours
                String run = f[1].contains("-") ? f[1].substring(0, f[1].indexOf('-')) : f[1];
                if (!run.equals(runId)) {
                    runs.add(run);
                }
            }
        }
        return List.copyOf(runs);
    }

    /** Removes every relay credential on {@code host} that is not of run {@code runId} (see {@link #leftovers}). */
    public static void removeLeftovers(RemoteHost host, String runId) {
        String keep = " " + MARKER + " " + runId + "-";
        host.exec(RemoteCommand.shell("set -u\n"
                + rewriteAuthorizedKeys("index($0, \" " + MARKER + " \") && !index($0, m) { next } { print }", keep)
                + "if [ -d " + RELAY_DIR + " ]; then\n"
                + "  for f in " + RELAY_DIR + "/*; do\n"
                + "    case ${f##*/} in " + runId + "-*) ;; '*') ;; *) rm -f -- \"$f\" ;; esac\n"
                + "  done\n"
                + "fi\n", "relay: remove temporary credentials of earlier runs").asRoot());
    }
}
