package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashCacheTest {
    @TempDir
    Path dir;

    @Test
    void aHashIsKeptInAnOwnerOnlyFileAndServedToTheNextRunWithoutReadingTheFileAgain() throws IOException {
        Path data = Files.writeString(dir.resolve("rke2-images.tar.zst"), "image bytes");
        Path cacheFile = dir.resolve("cache/sha256.cache");
        HashCache first = new HashCache(cacheFile);
        String hex = first.sha256(data);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheFile)));

        HashCache next = new HashCache(cacheFile);
        assertEquals(hex, next.sha256(data));
        assertEquals(0, next.bytesHashed(), "served from the saved cache");
    }
}
