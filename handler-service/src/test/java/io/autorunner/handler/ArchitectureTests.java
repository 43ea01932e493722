package io.autorunner.handler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package graph: acyclic, ports free of technology, each library confined to its adapter, and
 * the wiring ({@code system}) the only package that sees them all.
 */
class ArchitectureTests {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.autorunner.handler");

  /** Every package is its own slice: no two packages reach each other, directly or around. */
  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.autorunner.handler.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void nothingDependsOnTheWiring() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.autorunner.handler.system..")
        .and()
        .resideOutsideOfPackage("io.autorunner.handler")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.autorunner.handler.system..")
        .check(classes);
  }

  @Test
  void onlyComputeAdaptersUseGoogleCloudLibraries() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.autorunner.handler.vm.gce..",
            "io.autorunner.handler.ledger.datastore..",
            "io.autorunner.handler.system..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.google.cloud..", "com.google.api.gax..")
        .check(classes);
  }

  @Test
  void protobufStaysInTheGoogleAdapters() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.autorunner.handler.vm.gce..", "io.autorunner.handler.ledger.datastore..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.google.protobuf..")
        .check(classes);
  }

  @Test
  void theGitHubLibraryStaysInTheGitHubAdapter() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.autorunner.handler.github..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.kohsuke.github..")
        .check(classes);
  }

  /** Nimbus verifies the callers' tokens and signs the App's JWTs; nothing else parses JWTs. */
  @Test
  void joseStaysInAuthAndTheAppCredentials() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.autorunner.handler.auth..", "io.autorunner.handler.github..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.nimbusds..")
        .check(classes);
  }

  @Test
  void taskFlowsDependOnPortsNotAdapters() {
    noClasses()
        .that()
        .resideInAPackage("io.autorunner.handler.task..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.autorunner.handler.vm.gce..",
            "io.autorunner.handler.ledger.datastore..",
            "org.kohsuke.github..")
        .check(classes);
  }
}
