package io.seedbootstrap.ssh;

import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPublickey;
import net.schmizz.sshj.userauth.password.PasswordFinder;
import net.schmizz.sshj.userauth.password.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link RemoteHost} over sshj. One SSH connection (plus one to the jump host, if any). */
final class SshRemoteHost implements RemoteHost, CommandRunner {
    private static final Logger log = LoggerFactory.getLogger(SshRemoteHost.class);
    private static final int STDERR_CAP = 1 << 20;

    private record Connection(SSHClient client, SSHClient jump) {
        boolean alive() {
            return client.isConnected() && client.getTransport().isRunning()
                    && (jump == null || (jump.isConnected() && jump.getTransport().isRunning()));
        }
    }

    private final SshTarget target;
    private final SshOptions options;
    private final HostKeyPolicy policy;
    private final Redactor redactor;
    private final Semaphore sessions;
    private final ExecutorService pumps;
    private final ScheduledExecutorService watchdog;
    /** Held while a download's channel is built (see {@link #startSession}). */
    private final Object downloadStart = new Object();
    private final SecureRandom random = new SecureRandom();
    private final Uploader uploader;
    private final Object connectionLock = new Object();
    private Connection connection; // guarded by connectionLock
    private volatile Sudo.Mode sudoMode;
    /**
     * False while passwordless sudo is only assumed (no password given: it is the one mode that can
     * work), until a root command succeeds or, after one failed, {@code sudo -n true} says whether
     * sudo was why. Saves the probe's round trip before the first root command (issue 22, P3).
     */
    private volatile boolean sudoConfirmed;
    /** The host key verified at the last connect, {@code type base64} as in known_hosts. */
    private volatile String hostKey;
    private volatile boolean closed;
    /** Threads writing into a channel; woken when the link dies (see {@link Writer}). */
    private final java.util.Set<Writer> writers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A thread writing a command's stdin. sshj does not wake a writer that waits for channel
     * window space when the transport dies (it would wait for the full channel timeout), so the
     * transport's disconnect listener interrupts registered writers, and the interrupt is
     * cleared again when the write is over.
     */
    private static final class Writer {
        private final Thread thread = Thread.currentThread();
        private boolean done;
        private boolean interruptedByUs;

        synchronized void linkDied() {
            if (!done) {
                interruptedByUs = true;
                thread.interrupt();
            }
        }

        synchronized void finished() {
            done = true;
            if (interruptedByUs) {
                Thread.interrupted();
            }
        }
    }

    private SshRemoteHost(SshTarget target, SshOptions options) {
        this.target = target;
        this.options = options;
        this.policy = new HostKeyPolicy(new KnownHostsFile(target.knownHosts()), options.acceptNewHostKeys());
        List<Secret> secrets = new ArrayList<>();
        secrets.add(target.sudoPassword());
        secrets.add(target.identityPassphrase());
        this.redactor = Redactor.of(secrets.stream().filter(s -> s != null).toList());
        this.sessions = new Semaphore(target.maxSessions(), true);
        this.pumps = Executors.newCachedThreadPool(daemon("ssh-" + target.name() + "-io"));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("ssh-" + target.name() + "-timeout"));
        this.uploader = new Uploader(this, options.hashCache());
    }

    static SshRemoteHost connect(SshTarget target, SshOptions options) {
        SshRemoteHost host = new SshRemoteHost(target, options);
        try {
            host.reconnect();
            return host;
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return target.name();
    }

    SshTarget target() {
        return target;
    }

    @Override
    public Optional<String> hostKey() {
        return Optional.ofNullable(hostKey);
    }

    Redactor redactor() {
        return redactor;
    }

    // --- connection ------------------------------------------------------------------------

    /** Drops the current connection (if any) and opens a new one, verifying the host key again. */
    @Override
    public void reconnect() {
        synchronized (connectionLock) {
            if (closed) {
                throw new IllegalStateException(target.name() + " is closed");
            }
            Connection old = connection;
            connection = null;
            if (old != null) {
                closeQuietly(old.client());
                closeQuietly(old.jump());
            }
            long t0 = System.nanoTime();
            connection = open();
            log.debug("{}: connected to {} in {} ms", target.name(), target.describe(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private Connection current() {
        synchronized (connectionLock) {
            if (connection == null || !connection.alive()) {
                throw new SshFailure(SshFailure.Kind.DISCONNECTED, target.name() + ": the SSH connection to "
                        + target.describe() + " is closed");
            }
            return connection;
        }
    }

    boolean alive() {
        synchronized (connectionLock) {
            return connection != null && connection.alive();
        }
    }

    private Connection open() {
        SSHClient jump = null;
        try {
            if (target.jump() != null) {
                jump = openClient(target.jump(), null);
                // its one channel is the tunnel carrying the host's whole connection: a download's packets
                jump.getConnection().setMaxPacketSize(SshClients.DOWNLOAD_PACKET);
            }
            return new Connection(openClient(target, jump), jump);
        } catch (RuntimeException e) {
            closeQuietly(jump);
            throw e;
        }
    }

    /** Key types a host may offer, in the order tried when a pinned fingerprint does not match. */
    private static final List<String> PIN_TYPES = List.of("ssh-ed25519", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512");

    private SSHClient openClient(SshTarget t, SSHClient via) {
        // With a pin we do not know which of the host's keys it names: ask for each key type in
        // turn until one matches (a host can only show keys it has; only an exact match passes).
        List<String> presented = new ArrayList<>();
        for (int i = 0; ; i++) {
            String prefer = t.hostKey() != null && i < PIN_TYPES.size() ? PIN_TYPES.get(i) : null;
            SSHClient c = SshClients.newClient(t.connectTimeout(), options.keepAliveInterval(), options.keepAliveMaxMissed());
            c.getTransport().setDisconnectListener((reason, message) -> {
                log.debug("{}: SSH connection to {} ended: {} {}", target.name(), t.describe(), reason, message);
                writers.forEach(Writer::linkDied);
            });
            Verifier verifier = new Verifier(t, prefer);
            c.addHostKeyVerifier(verifier);
            // sshj bounds the TCP connect and the key exchange, but not the wait for the server's
            // identification line: a peer that accepts and stays silent would hang us forever.
            AtomicBoolean gaveUp = new AtomicBoolean();
            ScheduledFuture<?> guard = watchdog.schedule(() -> {
                gaveUp.set(true);
                closeQuietly(c);
            }, t.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            try {
                if (via != null) {
                    c.connectVia(via.newDirectConnection(t.address(), t.port()));
                } else {
                    c.connect(t.address(), t.port());
                }
            } catch (IOException | RuntimeException e) {
                guard.cancel(false);
                closeQuietly(c);
                String unsettled = SshClients.noCommonAlgorithm(e);
                if (verifier.refusal == null && unsettled != null) {
                    throw new SshFailure(SshFailure.Kind.ALGORITHMS, "cannot connect to " + t.describe()
                            + (via != null ? " through the jump host" : "") + ": " + unsettled, e);
                }
                if (verifier.refusal == null) {
                    throw new SshFailure(SshFailure.Kind.CONNECT, "cannot connect to " + t.describe()
                            + (via != null ? " through the jump host" : "") + ": "
                            + (gaveUp.get() ? "no SSH handshake within " + t.connectTimeout().toSeconds() + " s" : reason(e)), e);
                }
                if (t.hostKey() == null || verifier.presentedType == null) {
                    throw verifier.refusal;
                }
                if (!presented.contains(verifier.presented)) {
                    presented.add(verifier.presented);
                }
                if (i + 1 >= PIN_TYPES.size()) {
                    throw new SshFailure(SshFailure.Kind.HOST_KEY_CHANGED, "HOST KEY MISMATCH for " + t.name() + " ("
                            + KnownHosts.lookupName(t.address(), t.port()) + "): the inventory pins " + t.hostKey()
                            + " but the host presented " + String.join(", ", presented) + ". Refusing to connect:"
                            + " someone may be intercepting the connection, or the host was reinstalled. Check the"
                            + " keys on the host's console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and"
                            + " update its ssh.hostKey in the inventory.", verifier.refusal);
                }
                continue;
            }
            guard.cancel(false);
            if (gaveUp.get()) {
                closeQuietly(c);
                throw new SshFailure(SshFailure.Kind.CONNECT, "cannot connect to " + t.describe()
                        + ": no SSH handshake within " + t.connectTimeout().toSeconds() + " s");
            }
            return authenticated(c, t);
        }
    }

    private SSHClient authenticated(SSHClient c, SshTarget t) {
        try {
            authenticate(c, t);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    /**
     * Logs in with public keys, as OpenSSH does: with {@code identityFile}, that key only;
     * without, the keys of the ssh-agent at {@link SshOptions#agentSocket()}, then the default
     * key files in ~/.ssh. Nothing secret is logged (key types, fingerprints and comments only).
     */
    private void authenticate(SSHClient c, SshTarget t) {
        List<AuthMethod> methods = new ArrayList<>();
        List<String> offered = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<AgentAuth> agentMethods = new ArrayList<>();
        if (t.identityFile() == null) {
            agentMethods = agentMethods(t, problems);
            for (AgentAuth a : agentMethods) {
                methods.add(a);
                offered.add("agent key " + a.key().describe());
            }
        }
        for (Path file : keyFiles(t)) {
            boolean explicit = t.identityFile() != null;
            try {
                KeyProvider kp = c.loadKeys(file.toString(), passwordFinder(t, file));
                kp.getPrivate(); // decrypt now, so a wrong passphrase is named as such
                methods.add(new AuthPublickey(kp));
                offered.add("key file " + file);
            } catch (IOException | RuntimeException e) {
                if (explicit) {
                    throw new SshFailure(SshFailure.Kind.KEY_FILE, "cannot use private key " + file + " for "
                            + t.describe() + ": " + redactor.redact(reason(e))
                            + (t.identityPassphrase() == null ? " (if it is encrypted, give its passphrase as"
                                    + " ssh.identityPassphrase: ${ENV_VAR})" : " (is ssh.identityPassphrase right?)"), e);
                }
                log.debug("{}: skipping default key {}: {}", t.name(), file, reason(e));
                problems.add("~/.ssh/" + file.getFileName() + " is not usable (" + redactor.redact(reason(e)) + ")");
            }
        }
        if (methods.isEmpty()) {
            if (options.agentSocket() == null) {
                problems.add(0, "SSH_AUTH_SOCK is not set (no ssh-agent)");
            }
            problems.add("no ~/.ssh/id_ed25519, id_ecdsa or id_rsa");
            throw new SshFailure(SshFailure.Kind.AUTH, "no key to log in to " + t.describe() + ": " + String.join("; ", problems)
                    + ". Set ssh.identityFile in the inventory, or start ssh-agent and add the key"
                    + " (eval \"$(ssh-agent)\"; ssh-add ~/.ssh/id_ed25519), then run again");
        }
        log.debug("{}: offering {}", t.name(), offered);
        try {
            c.auth(t.user(), methods);
        } catch (UserAuthException e) {
            String refused = agentMethods.stream().map(AgentAuth::refusal).filter(r -> r != null).findFirst().orElse(null);
            throw new SshFailure(SshFailure.Kind.AUTH, "authentication failed for " + t.describe() + " with "
                    + String.join(", ", offered) + (refused != null ? ": " + refused
                    : ": is one of their public keys in ~" + t.user() + "/.ssh/authorized_keys?")
                    + (problems.isEmpty() ? "" : " (also: " + String.join("; ", problems) + ")"), e);
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.CONNECT, "connection to " + t.describe()
                    + " broke during authentication: " + reason(e), e);
        }
        if (!c.isAuthenticated()) {
            throw new SshFailure(SshFailure.Kind.AUTH, "authentication failed for " + t.describe());
        }
    }

    /** One auth method per usable key of the agent; what is wrong with the agent goes to {@code problems}. */
    private List<AgentAuth> agentMethods(SshTarget t, List<String> problems) {
        Path socket = options.agentSocket();
        if (socket == null) {
            return List.of();
        }
        AgentKeys agent = AgentKeys.at(socket);
        if (!agent.reachable()) {
            problems.add("no ssh-agent answers at SSH_AUTH_SOCK=" + socket + " (is it still running?)");
            return List.of();
        }
        List<AgentAuth> out = new ArrayList<>();
        List<String> unusable = new ArrayList<>();
        for (AgentKeys.Key k : agent.keys()) {
            if (SshClients.userKeyTypeSupported(k.type())) {
                out.add(new AgentAuth(agent, k));
            } else {
                unusable.add(k.describe());
            }
        }
        if (!unusable.isEmpty()) {
            log.debug("{}: ssh-agent keys of types seed-bootstrap cannot use: {}", t.name(), unusable);
        }
        if (out.isEmpty()) {
            problems.add("the ssh-agent at SSH_AUTH_SOCK=" + socket + " holds no key seed-bootstrap can use"
                    + (unusable.isEmpty() ? " (ssh-add -l lists none)"
                    : " (only " + String.join(", ", unusable) + "; usable: Ed25519, ECDSA, RSA)"));
        }
        return out;
    }

    private static List<Path> keyFiles(SshTarget t) {
        if (t.identityFile() != null) {
            return List.of(t.identityFile());
        }
        Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
        return List.of("id_ed25519", "id_ecdsa", "id_rsa").stream().map(ssh::resolve).filter(Files::isRegularFile).toList();
    }

    private PasswordFinder passwordFinder(SshTarget t, Path file) {
        return new PasswordFinder() {
            @Override
            public char[] reqPassword(Resource<?> resource) {
                if (t.identityPassphrase() != null) {
                    return t.identityPassphrase().reveal().toCharArray();
                }
                if (options.passphrasePrompt() != null) {
                    Optional<Secret> s = options.passphrasePrompt().ask(file);
                    if (s.isPresent()) {
                        return s.get().reveal().toCharArray();
                    }
                }
                return null;
            }

            @Override
            public boolean shouldRetry(Resource<?> resource) {
                return false;
            }
        };
    }

    /** Host-key check for one connection; remembers why it refused, for the exception. */
    private final class Verifier implements HostKeyVerifier {
        private final SshTarget t;
        private final String prefer;
        private volatile SshFailure refusal;
        private volatile String presentedType;
        private volatile String presented;

        Verifier(SshTarget t, String prefer) {
            this.t = t;
            this.prefer = prefer;
        }

        @Override
        public boolean verify(String hostname, int port, PublicKey key) {
            byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
            presentedType = KnownHosts.blobType(blob);
            presented = presentedType + " " + Fingerprints.sha256(blob);
            HostKeyPolicy.Verdict v = policy.check(t.name(), t.address(), t.port(), t.hostKey(), blob);
            if (v.trusted() && t == target) {
                hostKey = presentedType + " " + java.util.Base64.getEncoder().encodeToString(blob);
            }
            switch (v.outcome()) {
                case TRUSTED -> log.debug("{}: host key {}", t.name(), v.message());
                case ACCEPTED_NEW -> log.warn("{}", v.message());
                case UNKNOWN -> refusal = new SshFailure(SshFailure.Kind.HOST_KEY_UNKNOWN, v.message());
                case CHANGED, REVOKED -> refusal = new SshFailure(SshFailure.Kind.HOST_KEY_CHANGED, v.message());
            }
            if (refusal != null && t.hostKey() == null) {
                log.error("{}", v.message());
            }
            return v.trusted();
        }

        @Override
        public List<String> findExistingAlgorithms(String hostname, int port) {
            if (prefer != null) {
                return prefer.startsWith("rsa") ? List.of("rsa-sha2-512", "rsa-sha2-256") : List.of(prefer);
            }
            List<String> out = new ArrayList<>();
            for (String type : policy.recordedKeyTypes(t.address(), t.port(), t.hostKey())) {
                if (type.equals("ssh-rsa")) {
                    out.addAll(List.of("rsa-sha2-512", "rsa-sha2-256")); // an RSA key, signed with SHA-2 (no ssh-rsa: SHA-1)
                } else {
                    out.add(type);
                }
            }
            return out;
        }
    }

    // --- exec ------------------------------------------------------------------------------

    @Override
    public ExecResult exec(RemoteCommand command) {
        return run(command, null);
    }

    @Override
    public ExecResult download(RemoteCommand command, OutputStream sink) {
        return run(command, java.util.Objects.requireNonNull(sink, "sink"));
    }

    @Override
    public UploadResult upload(Upload upload) {
        return uploader.upload(upload);
    }

    Sudo.Mode sudoMode() {
        Sudo.Mode m = sudoMode;
        if (m != null) {
            return m;
        }
        synchronized (this) {
            if (sudoMode == null) {
                if (!target.isRoot() && target.sudoPassword() == null) {
                    sudoMode = Sudo.Mode.PASSWORDLESS;
                    log.debug("{}: sudo mode {} (assumed until the first root command)", target.name(), sudoMode);
                } else {
                    sudoMode = Sudo.probe(target.name(), target.user(), target.isRoot(), target.sudoPassword(), this::run, redactor);
                    sudoConfirmed = true;
                    log.debug("{}: sudo mode {}", target.name(), sudoMode);
                }
            }
            return sudoMode;
        }
    }

    /** After a root command failed in the assumed mode: the probe's clear error when sudo was why (see {@link #sudoConfirmed}). */
    private void confirmSudo() {
        synchronized (this) {
            if (!sudoConfirmed) {
                Sudo.probe(target.name(), target.user(), false, null, this::run, redactor);
                sudoConfirmed = true;
            }
        }
    }

    @Override
    public Duration commandTimeout() {
        return target.commandTimeout();
    }

    @Override
    public ExecResult run(RemoteCommand command) {
        return run(command, null);
    }

    /**
     * Runs one command on its own channel; the only place bytes go to a remote process. With a
     * {@code sink}, stdout is data: copied there as it arrives, neither kept nor redacted.
     */
    private ExecResult run(RemoteCommand command, OutputStream sink) {
        if (!command.root() || sudoMode() != Sudo.Mode.PASSWORDLESS || sudoConfirmed) {
            return runOnce(command, sink);
        }
        ExecResult result;
        try {
            result = runOnce(command, sink);
        } catch (SshFailure e) {
            if (e.kind() == SshFailure.Kind.COMMAND) {
                confirmSudo();
            }
            throw e;
        }
        if (result.ok()) {
            sudoConfirmed = true;
        } else {
            confirmSudo();
        }
        return result;
    }

    private ExecResult runOnce(RemoteCommand command, OutputStream sink) {
        Sudo.Mode mode = command.root() ? sudoMode() : Sudo.Mode.NOT_NEEDED;
        Sudo.Wire sudo = Sudo.wrap(mode, command.script(), random);
        String prompt = sudo.prompt();
        String ready = sudo.ready();
        String wire = sudo.command();
        Duration timeout = command.timeout() != null ? command.timeout() : target.commandTimeout();
        String shown = redactor.redact(command.toString());
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        log.debug("{}: run {}", target.name(), shown);

        acquireSession(timeout);
        AtomicBoolean timedOut = new AtomicBoolean();
        Session session = null;
        ScheduledFuture<?> alarm = null;
        Connection conn = null;
        try {
            conn = current();
            session = startSession(conn.client(), sink != null);
            Session.Command cmd = session.exec(wire);
            Session s = session;
            alarm = watchdog.schedule(() -> {
                timedOut.set(true);
                try {
                    cmd.signal(Signal.TERM);
                } catch (IOException | RuntimeException ignored) {
                    // the close below ends it anyway
                }
                closeQuietly(s);
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);

            StderrWatcher err = new StderrWatcher(cmd.getErrorStream(), prompt, ready, STDERR_CAP);
            Future<?> errDone = pumps.submit(err);
            Future<byte[]> out = pumps.submit(() -> CommandOutput.read(cmd.getInputStream(), sink, () -> closeQuietly(s)));

            boolean stdinOpen = true;
            int wireBytes = wire.getBytes(StandardCharsets.UTF_8).length;
            options.traffic().add(wireBytes);
            Counting in = new Counting(cmd.getOutputStream(), options.traffic());
            Writer writer = new Writer();
            writers.add(writer);
            try {
                if (!conn.alive()) {
                    throw disconnected(shown, null);
                }
                if (mode == Sudo.Mode.PASSWORD) {
                    stdinOpen = Sudo.handshake(target.name(), target.user(), target.sudoPassword(), err, in, deadline, shown);
                }
                if (stdinOpen && command.stdin() != null) {
                    try {
                        command.stdin().writeTo(in);
                        // flush (which waits for window space) before close: sshj's close() flushes
                        // without waiting and drops the buffered packet when the window is full
                        in.flush();
                    } catch (IOException e) {
                        // Either the link broke (reported below) or the command stopped reading
                        // (it exited: its exit code and stderr say why).
                        if (!awaitAlive(conn)) {
                            throw disconnected(shown, e);
                        }
                        log.debug("{}: stdin of {} closed early: {}", target.name(), shown, reason(e));
                    }
                }
            } finally {
                writers.remove(writer);
                writer.finished();
            }
            closeQuietly(in);
            cmd.join(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            byte[] stdout = out.get(Math.max(1, deadline - System.nanoTime()) + 5_000_000_000L, TimeUnit.NANOSECONDS);
            errDone.get(5, TimeUnit.SECONDS);
            Integer exit = cmd.getExitStatus();
            if (exit == null) {
                if (timedOut.get()) {
                    throw timeout(shown, timeout);
                }
                if (!conn.alive()) {
                    throw disconnected(shown, null);
                }
                exit = cmd.getExitSignal() != null ? 128 + signalNumber(cmd.getExitSignal()) : -1;
            }
            ExecResult r = new ExecResult(target.name(), shown, exit,
                    redactor.redact(new String(stdout, StandardCharsets.UTF_8)), redactor.redact(err.text()),
                    Duration.ofNanos(System.nanoTime() - t0));
            log.debug("{}: exit {} after {} ms, sent {}+{} bytes: {}", target.name(), exit, r.duration().toMillis(),
                    wireBytes, in.count, shown);
            if (command.check() && !r.ok()) {
                throw r.failure();
            }
            return r;
        } catch (SshFailure e) {
            throw e;
        } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
            if (timedOut.get() || System.nanoTime() >= deadline) {
                if (session != null && !timedOut.get()) {
                    closeQuietly(session); // the watchdog had not fired yet
                }
                throw timeout(shown, timeout);
            }
            if (conn == null || !awaitAlive(conn)) {
                throw disconnected(shown, e);
            }
            throw new SshFailure(SshFailure.Kind.DISCONNECTED, target.name() + ": channel for `" + shown
                    + "` failed: " + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshFailure(SshFailure.Kind.DISCONNECTED, target.name() + ": interrupted while running `" + shown + "`", e);
        } finally {
            if (alarm != null) {
                alarm.cancel(false);
            }
            closeQuietly(session);
            sessions.release();
        }
    }

    /**
     * A channel for a command, or for a download ({@link SshClients#DOWNLOAD_PACKET}). sshj takes the
     * packet size from the connection when it builds the channel, so a download sets it around its
     * own start; a command channel built meanwhile gets larger buffers, nothing else.
     */
    private Session startSession(SSHClient client, boolean download) throws IOException {
        if (!download) {
            return client.startSession();
        }
        synchronized (downloadStart) {
            client.getConnection().setMaxPacketSize(SshClients.DOWNLOAD_PACKET);
            try {
                return client.startSession();
            } finally {
                client.getConnection().setMaxPacketSize(SshClients.COMMAND_PACKET);
            }
        }
    }

    private void acquireSession(Duration timeout) {
        try {
            if (!sessions.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SshFailure(SshFailure.Kind.TIMEOUT, target.name() + ": no free SSH channel within "
                        + timeout + " (maxSessions " + target.maxSessions() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshFailure(SshFailure.Kind.DISCONNECTED, target.name() + ": interrupted", e);
        }
    }

    /** After an I/O error: is the transport still up (then only the channel failed)? */
    private static boolean awaitAlive(Connection conn) {
        // the reader thread may need a moment to notice a dead socket
        for (int i = 0; i < 10; i++) {
            if (!conn.alive()) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return conn.alive();
    }

    private SshFailure disconnected(String shown, Exception cause) {
        return new SshFailure(SshFailure.Kind.DISCONNECTED, target.name() + ": connection to " + target.describe()
                + " lost while running `" + shown + "`" + (cause != null ? ": " + reason(cause) : ""), cause);
    }

    private SshFailure timeout(String shown, Duration limit) {
        return new SshFailure(SshFailure.Kind.TIMEOUT, target.name() + ": `" + shown + "` did not finish within "
                + limit.toSeconds() + " s and was stopped");
    }

    /** Counts what goes into a channel's stdin (see {@link TrafficCounter}), also per channel for the debug log. */
    private static final class Counting extends java.io.FilterOutputStream {
        private final TrafficCounter counter;
        private long count;

        Counting(OutputStream out, TrafficCounter counter) {
            super(out);
            this.counter = counter;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            counter.add(1);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            counter.add(len);
            count += len;
        }
    }

    private static int signalNumber(Signal s) {
        return switch (s) {
            case HUP -> 1;
            case INT -> 2;
            case QUIT -> 3;
            case ILL -> 4;
            case ABRT -> 6;
            case FPE -> 8;
            case KILL -> 9;
            case USR1 -> 10;
            case SEGV -> 11;
            case USR2 -> 12;
            case PIPE -> 13;
            case ALRM -> 14;
            case TERM -> 15;
            default -> 0;
        };
    }

    static String reason(Throwable e) {
        Throwable t = e;
        String last = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                last = t.getMessage();
            }
            if (t.getCause() == null || t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        return last != null ? last : e.getClass().getSimpleName();
    }

    // --- close -----------------------------------------------------------------------------

    @Override
    public void close() {
        synchronized (connectionLock) {
            closed = true;
            if (connection != null) {
                closeQuietly(connection.client());
                closeQuietly(connection.jump());
                connection = null;
            }
        }
        pumps.shutdownNow();
        watchdog.shutdownNow();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public String toString() {
        return "RemoteHost[" + target.describe() + "]";
    }
}
