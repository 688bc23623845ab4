package io.seedbootstrap;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node layer's rules (issue 20 item 1), on the compiled main classes: how to do a thing on a
 * host (shell text, its quoting, the commands) lives in package node, over the ssh transport; a
 * phase says what it wants through a node's operations, and the DR phases share with install only
 * what sits in node, rke2 or phase.common.
 */
class NodeLayerRulesTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.seedbootstrap");
    }

    @Test
    void onlyTheNodeLayerAndTheTransportBuildCommands() {
        noClasses().that().resideOutsideOfPackages("io.seedbootstrap.node..", "io.seedbootstrap.ssh..", "io.seedbootstrap.host..")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.seedbootstrap.ssh.RemoteCommand")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.seedbootstrap.support.ShellQuote")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.seedbootstrap.ssh.StagedFiles")
                .check(main);
    }

    @Test
    void phasesReachHostsOnlyThroughNodes() {
        noClasses().that().resideInAPackage("io.seedbootstrap.phase..")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.seedbootstrap.ssh.RemoteHost")
                .check(main);
    }

    @Test
    void theDrAndResetPhasesDoNotUseInstallsPhases() {
        noClasses().that().resideInAnyPackage("io.seedbootstrap.phase.dr..", "io.seedbootstrap.phase.reset..", "io.seedbootstrap.phase.common..")
                .should().dependOnClassesThat().resideInAPackage("io.seedbootstrap.phase.install..")
                .check(main);
    }
}
