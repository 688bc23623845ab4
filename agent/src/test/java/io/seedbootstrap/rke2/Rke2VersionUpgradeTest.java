package io.seedbootstrap.rke2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Contract A.11: which moves between two RKE2 versions are an upgrade seed-bootstrap makes. */
class Rke2VersionUpgradeTest {
    @Test
    void patchesBuildsAndOneMinorForwardAreUpgrades() {
        assertEquals(Optional.empty(), Rke2Version.upgradeRefusal("v1.35.7+rke2r1", "v1.35.7+rke2r1"), "no move at all");
        assertEquals(Optional.empty(), Rke2Version.upgradeRefusal("v1.35.7+rke2r1", "v1.35.7+rke2r2"));
        assertEquals(Optional.empty(), Rke2Version.upgradeRefusal("v1.35.1+rke2r1", "v1.35.9+rke2r1"), "patches may be skipped");
        assertEquals(Optional.empty(), Rke2Version.upgradeRefusal("v1.34.2+rke2r1", "v1.35.7+rke2r1"));
        assertEquals(Optional.empty(), Rke2Version.upgradeRefusal("v1.9.2+rke2r1", "v1.10.0+rke2r1"), "numbers, not text");
    }

    @Test
    void twoMinorsADowngradeAndAnotherMajorAreRefusedSayingWhy() {
        assertTrue(Rke2Version.upgradeRefusal("v1.33.9+rke2r1", "v1.35.7+rke2r1").orElseThrow()
                .contains("skips 1 minor version(s): upgrade one minor at a time (contract A.11), first to the newest v1.34.x"));
        assertTrue(Rke2Version.upgradeRefusal("v1.35.7+rke2r2", "v1.35.7+rke2r1").orElseThrow().contains("downgrades are not supported"));
        assertTrue(Rke2Version.upgradeRefusal("v1.36.0+rke2r1", "v1.35.7+rke2r1").orElseThrow().contains("older than v1.36.0+rke2r1"));
        assertTrue(Rke2Version.upgradeRefusal("v1.35.7+rke2r1", "v2.0.0+rke2r1").orElseThrow().contains("major version"));
        assertTrue(Rke2Version.upgradeRefusal("1.35", "v1.35.7+rke2r1").orElseThrow().contains("not RKE2 versions"));
    }
}
