package io.seedbootstrap.bundle.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KubeVersionRangeTest {
    @ParameterizedTest(name = "{0} admits {1}: {2}")
    @CsvSource(delimiter = ';', value = {
        "< 1.36.0-0 ; 1.35.7 ; true",   // Rancher 2.14 (contract E.4)
        "< 1.36.0-0 ; 1.36.0 ; false",
        "< 1.36.0-0 ; 1.36.0-rc.1 ; false",
        "< 1.35.0-0 ; 1.35.7 ; false",  // Rancher 2.13
        ">=1.25.0-0 ; 1.35.7 ; true",   // argo-cd 10.1.1 (contract F.1)
        ">= 1.22.0-0 ; 1.21.9 ; false",
        ">=1.30.0-0 <1.36.0-0 ; 1.35.7 ; true",
        ">=1.30.0-0, <1.33.0-0 ; 1.35.7 ; false",
        "<1.20.0 || >=1.34.0 ; 1.35.7 ; true",
        "<1.20.0 || >=1.36.0 ; 1.35.7 ; false",
        "1.35.x ; 1.35.7 ; true",
        "1.35.x ; 1.36.0 ; false",
        "~1.35.2 ; 1.35.7 ; true",
        "~1.35.2 ; 1.36.1 ; false",
        "^1.30 ; 1.35.7 ; true",
        "^1.30 ; 2.0.0 ; false",
        "1.30 - 1.35 ; 1.35.7 ; true",
        "1.30 - 1.34 ; 1.35.7 ; false",
        "!=1.35.7 ; 1.35.7 ; false",
        ">1.35 ; 1.35.7 ; false",
        ">1.35 ; 1.36.0 ; true",
        "<=1.35 ; 1.35.7 ; true",
        "* ; 1.35.7 ; true",
        ">= 1.25.0 ; 1.35.0-rc.1 ; false",  // a prerelease needs a range with a prerelease (Masterminds)
        ">= 1.25.0-0 ; 1.35.0-rc.1 ; true",
        "v1.35.7 ; 1.35.7 ; true",
    })
    void evaluatesHelmRanges(String range, String version, boolean admitted) {
        assertEquals(admitted, KubeVersionRange.parse(range).admits(SemVer.parse(version).orElseThrow()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "<", "1.x.3", "=> 1.2", "1.2.3.4", "abc", ">= 1.2 ||", "!= 1.2"})
    void refusesWhatIsNotARange(String range) {
        assertTrue(KubeVersionRange.tryParse(range).isEmpty(), range);
    }

    @ParameterizedTest
    @CsvSource({"v1.35.7+rke2r1, 1.35.7", "v1.36.4-rc1+rke2r1, 1.36.4-rc1"})
    void kubernetesVersionOfAnRke2Release(String rke2, String kubernetes) {
        assertEquals(kubernetes, SemVer.kubernetesOfRke2(rke2).toString());
    }

    @ParameterizedTest
    @CsvSource({"1.0.0-alpha, 1.0.0-alpha.1", "1.0.0-alpha.1, 1.0.0-alpha.beta", "1.0.0-beta.2, 1.0.0-beta.11",
        "1.0.0-rc.1, 1.0.0", "1.35.7, 1.36.0-0", "1.9.0, 1.10.0"})
    void semverPrecedence(String lower, String higher) {
        assertTrue(SemVer.parse(lower).orElseThrow().compareTo(SemVer.parse(higher).orElseThrow()) < 0);
    }
}
