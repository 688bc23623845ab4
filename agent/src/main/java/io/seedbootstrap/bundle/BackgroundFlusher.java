package io.seedbootstrap.bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Puts finished bundle files on disk (fsync) on one background thread while the next files are
 * still being copied and hashed, so that {@code bundle create} can write the signed manifest
 * only once everything it lists is durable: a stick pulled or a machine losing power right after
 * create returns holds a complete bundle, and one interrupted earlier holds no manifest. Waiting
 * on the disk in the background also keeps the copy threads on the CPU (hashing) instead of
 * leaving the whole write-back to the end.
 */
final class BackgroundFlusher implements AutoCloseable {
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bundle-flush");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Future<?>> pending = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Queues {@code file} (a regular file, already closed by its writer) to be forced to disk. */
    void flush(Path file) {
        pending.add(executor.submit(() -> {
            force(file);
            return null;
        }));
    }

    /**
     * Waits for every queued file, then forces each directory of the bundle (new directory
     * entries are durable only once their directory is).
     */
    void awaitAll(Path root) throws IOException {
        List<Future<?>> waiting;
        synchronized (pending) {
            waiting = new ArrayList<>(pending);
            pending.clear();
        }
        for (Future<?> future : waiting) {
            try {
                future.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                throw new IOException("cannot write a bundle file to disk: " + cause, cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the bundle to reach the disk", e);
            }
        }
        try (var dirs = Files.walk(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                force(dir);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** fsync of a file or directory (Linux lets a directory be opened read-only and forced). */
    static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
