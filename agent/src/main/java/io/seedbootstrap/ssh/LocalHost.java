package io.seedbootstrap.ssh;

import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemoteHost} for the machine seed-bootstrap runs on ({@code connection: local}): every
 * command is a local {@code /bin/sh -c} process, with the guarantees of {@link SshRemoteHost}
 * (root through {@link Sudo}: {@code sudo -n}, or {@code sudo -S} with the password on stdin
 * behind the prompt marker, never in argv; stdout and stderr read concurrently; the timeout ends
 * the command; secrets redacted), and uploads take the same staged, verified, atomic path
 * ({@link Uploader}, a {@code cat} into the staging area, sha256 checked before the rename).
 *
 * <p>Commands get a minimal login-like environment, not seed-bootstrap's own: that one may hold
 * the values of the inventory's {@code ${ENV}} references, which a child process must not inherit
 * (over SSH, sshd gives commands its own environment in the same way).
 */
public final class LocalHost implements RemoteHost, CommandRunner {
    private static final Logger log = LoggerFactory.getLogger(LocalHost.class);
    private static final int STDERR_CAP = 1 << 20;
    /** The PATH of a Debian/RHEL root login, so sbin tools (ip, sysctl, modprobe) are found as over SSH. */
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final String name;
    private final Secret sudoPassword;
    private final Duration commandTimeout;
    private final Semaphore sessions;
    private final Redactor redactor;
    private final Uploader uploader;
    private final ExecutorService pumps;
    private final SecureRandom random = new SecureRandom();
    private final String user;
    private final Map<String, String> environment;
    private volatile Sudo.Mode sudoMode;
    private volatile Boolean root;

    /**
     * @param name           the inventory name
     * @param sudoPassword   for sudo when this process does not run as root; null when sudo needs none
     * @param commandTimeout as ssh.commandTimeoutSeconds
     * @param maxSessions    commands running at once, as ssh.maxSessions
     */
    public LocalHost(String name, Secret sudoPassword, Duration commandTimeout, int maxSessions, HashCache hashCache) {
        this.name = Objects.requireNonNull(name, "name");
        this.sudoPassword = sudoPassword;
        this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
        this.sessions = new Semaphore(maxSessions, true);
        this.redactor = Redactor.of(sudoPassword != null ? List.of(sudoPassword) : List.of());
        this.uploader = new Uploader(this, hashCache);
        AtomicInteger n = new AtomicInteger();
        this.pumps = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "local-" + name + "-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.user = System.getProperty("user.name");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("HOME", System.getProperty("user.home"));
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.put("SHELL", "/bin/sh");
        env.put("LANG", "C.UTF-8");
        this.environment = Map.copyOf(env);
    }

    /** The local host of an inventory host: its sudo password and timeouts as for SSH (ssh section and host overrides). */
    public static LocalHost of(SshTarget target, SshOptions options) {
        return new LocalHost(target.name(), target.sudoPassword(), target.commandTimeout(), target.maxSessions(), options.hashCache());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isLocal() {
        return true;
    }

    @Override
    public Duration commandTimeout() {
        return commandTimeout;
    }

    @Override
    public void reconnect() {
        // nothing to reconnect: a retried upload starts from what is staged
    }

    @Override
    public ExecResult exec(RemoteCommand command) {
        return run(command, null);
    }

    @Override
    public ExecResult run(RemoteCommand command) {
        return run(command, null);
    }

    @Override
    public ExecResult download(RemoteCommand command, OutputStream sink) {
        return run(command, Objects.requireNonNull(sink, "sink"));
    }

    @Override
    public UploadResult upload(Upload upload) {
        return uploader.upload(upload);
    }

    boolean isRoot() {
        Boolean r = root;
        if (r == null) {
            // the effective uid of this process, as the shell sees it (Java has no getuid)
            r = run(RemoteCommand.of("id", "-u"), null).stdout().strip().equals("0");
            root = r;
        }
        return r;
    }

    Sudo.Mode sudoMode() {
        Sudo.Mode m = sudoMode;
        if (m != null) {
            return m;
        }
        synchronized (this) {
            if (sudoMode == null) {
                sudoMode = Sudo.probe(name, user, isRoot(), sudoPassword, c -> run(c, null), redactor);
                log.debug("{}: local, sudo mode {}", name, sudoMode);
            }
            return sudoMode;
        }
    }

    /** Runs one command as a local process; with a {@code sink}, stdout is data, copied there as it arrives. */
    private ExecResult run(RemoteCommand command, OutputStream sink) {
        Sudo.Mode mode = command.root() ? sudoMode() : Sudo.Mode.NOT_NEEDED;
        Sudo.Wire wire = Sudo.wrap(mode, command.script(), random);
        Duration timeout = command.timeout() != null ? command.timeout() : commandTimeout;
        String shown = redactor.redact(command.toString());
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        log.debug("{}: run locally {}", name, shown);
        acquire(timeout, shown);
        Process process = null;
        try {
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", wire.command());
            builder.environment().clear();
            builder.environment().putAll(environment);
            process = builder.start();
            Process p = process;
            StderrWatcher err = new StderrWatcher(p.getErrorStream(), wire.prompt(), wire.ready(), STDERR_CAP);
            Future<?> errDone = pumps.submit(err);
            Future<byte[]> out = pumps.submit(() -> CommandOutput.read(p.getInputStream(), sink, () -> destroy(p)));
            // stdin is written from another thread, so a command that never reads it still times out
            Future<?> in = pumps.submit(() -> {
                writeStdin(p, err, mode, command, deadline, shown);
                return null;
            });
            boolean exited = p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!exited) {
                destroy(p);
                in.cancel(true);
                throw timeout(shown, timeout);
            }
            try {
                in.get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SshFailure failure) {
                    throw failure;
                }
                throw e;
            }
            byte[] stdout = out.get(Math.max(1, deadline - System.nanoTime()) + 5_000_000_000L, TimeUnit.NANOSECONDS);
            errDone.get(5, TimeUnit.SECONDS);
            ExecResult r = new ExecResult(name, shown, p.exitValue(), redactor.redact(new String(stdout, StandardCharsets.UTF_8)),
                    redactor.redact(err.text()), Duration.ofNanos(System.nanoTime() - t0));
            log.debug("{}: exit {} after {} ms: {}", name, r.exitCode(), r.duration().toMillis(), shown);
            if (command.check() && !r.ok()) {
                throw r.failure();
            }
            return r;
        } catch (SshFailure e) {
            throw e;
        } catch (TimeoutException e) {
            throw timeout(shown, timeout);
        } catch (IOException | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof SshFailure failure) {
                throw failure;
            }
            throw new SshFailure(SshFailure.Kind.LOCAL_IO, name + ": cannot run `" + shown + "` locally: "
                    + SshRemoteHost.reason(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshFailure(SshFailure.Kind.DISCONNECTED, name + ": interrupted while running `" + shown + "`", e);
        } finally {
            if (process != null && process.isAlive()) {
                destroy(process);
            }
            sessions.release();
        }
    }

    private void writeStdin(Process p, StderrWatcher err, Sudo.Mode mode, RemoteCommand command, long deadline, String shown)
            throws InterruptedException {
        OutputStream in = p.getOutputStream();
        try {
            boolean open = true;
            if (mode == Sudo.Mode.PASSWORD) {
                open = Sudo.handshake(name, user, sudoPassword, err, in, deadline, shown);
            }
            if (open && command.stdin() != null) {
                command.stdin().writeTo(in);
                in.flush();
            }
        } catch (IOException e) {
            // the command stopped reading (it exited: its exit code and stderr say why)
            log.debug("{}: stdin of {} closed early: {}", name, shown, SshRemoteHost.reason(e));
        } finally {
            try {
                in.close();
            } catch (IOException ignored) {
                // the command is gone already
            }
        }
    }

    /** Ends the command and what it started (sudo passes the TERM on to a command run as root). */
    private static void destroy(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
    }

    private void acquire(Duration timeout, String shown) {
        try {
            if (!sessions.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SshFailure(SshFailure.Kind.TIMEOUT, name + ": no free command slot within " + timeout + " for `" + shown + "`");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshFailure(SshFailure.Kind.DISCONNECTED, name + ": interrupted", e);
        }
    }

    private SshFailure timeout(String shown, Duration limit) {
        return new SshFailure(SshFailure.Kind.TIMEOUT, name + ": `" + shown + "` did not finish within "
                + limit.toSeconds() + " s and was stopped");
    }

    @Override
    public void close() {
        pumps.shutdownNow();
    }

    @Override
    public String toString() {
        return "RemoteHost[" + name + " (local, " + user + ")]";
    }
}
