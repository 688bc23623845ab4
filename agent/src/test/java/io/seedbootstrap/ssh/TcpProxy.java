package io.seedbootstrap.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy the test controls: forwards to a test machine's SSH port, and can cut
 * every open connection after a number of client-to-server bytes (a dropped link) or freeze
 * them (a peer that silently stops answering).
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong cutAfter = new AtomicLong(-1);
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicBoolean frozen = new AtomicBoolean();
    private final AtomicLong cuts = new AtomicLong();

    TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Cut the connections once this many more client-to-server bytes went through (one shot). */
    void cutAfterUpstreamBytes(long n) {
        cutAfter.set(upstreamBytes.get() + n);
    }

    /** Stop forwarding in both directions, keeping the sockets open. */
    void freeze() {
        frozen.set(true);
    }

    long cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    while (frozen.get()) {
                        Thread.sleep(100);
                    }
                    if (upstream) {
                        long limit = cutAfter.get();
                        long before = upstreamBytes.getAndAdd(n);
                        if (limit >= 0 && before + n >= limit) {
                            int part = (int) Math.max(0, limit - before);
                            out.write(buf, 0, part);
                            out.flush();
                            cutAfter.set(-1);
                            cuts.incrementAndGet();
                            cutAll();
                            return;
                        }
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void cutAll() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        frozen.set(false);
        server.close();
        cutAll();
    }
}
