package io.seedbootstrap;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the main code (docs/architecture.md), checked on the compiled classes; a
 * failure names every offending dependency. Run alone: {@code mvn -B -o test -pl agent -Dtest=ArchitectureTest}.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.seedbootstrap");
    }

    @Test
    void topLevelPackagesFormNoCycle() {
        slices().matching("io.seedbootstrap.(*)..").should().beFreeOfCycles().check(main);
    }

    /** Each package on its own too, sub-packages included (bundle and bundle.bom, inventory and its parts). */
    @Test
    void packagesFormNoCycle() {
        slices().matching("io.seedbootstrap.(**)").should().beFreeOfCycles().check(main);
    }

    /** SSH is done in one place; everything else goes through ssh.RemoteHost. */
    @Test
    void onlySshUsesSshj() {
        noClasses().that().resideOutsideOfPackage("io.seedbootstrap.ssh..")
                .should().dependOnClassesThat().resideInAnyPackage("net.schmizz..", "com.hierynomus..")
                .check(main);
    }

    @Test
    void onlyPkiUsesBouncyCastle() {
        noClasses().that().resideOutsideOfPackage("io.seedbootstrap.pki..")
                .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
                .check(main);
    }

    /** The CLI only adapts options to actions: nothing below it knows it; Main starts it. */
    @Test
    void onlyMainUsesTheCli() {
        noClasses().that().resideOutsideOfPackage("io.seedbootstrap.cli..")
                .and().doNotHaveFullyQualifiedName(Main.class.getName())
                .should().dependOnClassesThat().resideInAPackage("io.seedbootstrap.cli..")
                .check(main);
    }
}
