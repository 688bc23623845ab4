package io.seedbootstrap.bundle.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SafeNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"rke2/rke2.linux-amd64.tar.gz", "rke2/rke2-images-core.linux-amd64.tar.zst.part000",
        "charts/cert-manager-v1.20.3.tgz", "images/quay.io_jetstack_cert-manager-controller_v1.20.3-42cd492d.tar", "bom/rke2-v1.35.yaml"})
    void acceptsWhatBundlesHold(String path) {
        assertEquals(Optional.empty(), SafeNames.problem(path));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "../x|                 leaves the bundle directory (\"..\")",
        "a/../../x|            leaves the bundle directory (\"..\")",
        "/etc/passwd|          absolute path; bundle paths are relative to the bundle directory",
        "C:/x|                 absolute path; bundle paths are relative to the bundle directory",
        "a\\b|                 contains \"\\\"; bundle paths use \"/\" between directories",
        "a//b|                 has an empty or \".\" segment",
        "./a|                  has an empty or \".\" segment",
        "images/a:b.tar|       not a valid file name on FAT32/exFAT (\":\" is not allowed)",
        "images/a?b|           not a valid file name on FAT32/exFAT (\"?\" is not allowed)",
        "rke2/aux.tar.gz|      \"aux.tar.gz\" is a reserved device name on FAT32/exFAT",
        "rke2/LPT1|            \"LPT1\" is a reserved device name on FAT32/exFAT",
        "rke2/name.|           name \"name.\" ends with \".\", which FAT32/exFAT drop",
        "rke2/.hidden|         name \".hidden\" uses characters outside A-Z a-z 0-9 . _ - (or does not start with a letter or digit)",
        "rke2/a b|             name \"a b\" uses characters outside A-Z a-z 0-9 . _ - (or does not start with a letter or digit)",
    })
    void refusesWhatCouldEscapeOrThatFat32CannotHold(String path, String problem) {
        assertEquals(Optional.of(problem), SafeNames.problem(path));
    }

    @Test
    void imageReferencesBecomeSafeDistinctNames() {
        String name = SafeNames.imageArchiveName("quay.io/jetstack/cert-manager-controller:v1.20.3@sha256:" + "a".repeat(64));
        assertTrue(name.matches("^quay\\.io_jetstack_cert-manager-controller_v1\\.20\\.3_sha256_a+-[0-9a-f]{8}\\.tar$"), name);
        assertEquals(Optional.empty(), SafeNames.problem("images/" + name));
        assertTrue(name.length() <= 113, name);
        // the same readable part, different references: the hash keeps them apart
        assertNotEquals(SafeNames.imageArchiveName("r.io/a/b:c_d"), SafeNames.imageArchiveName("r.io/a/b_c:d"));
    }
}
