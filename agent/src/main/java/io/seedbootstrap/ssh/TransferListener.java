package io.seedbootstrap.ssh;

/** Progress of uploads; called from the sending thread, so keep it quick. */
public interface TransferListener {
    TransferListener NONE = new TransferListener() {};

    /** Bytes start to flow; {@code offset} is where a resumed upload starts. */
    default void started(String host, String target, long size, long offset) {}

    /** {@code done} bytes of {@code size} are on the host (called about every 4 MiB). */
    default void progress(String host, String target, long done, long size) {}

    default void finished(UploadResult result) {}
}
