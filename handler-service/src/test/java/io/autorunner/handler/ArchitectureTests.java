package io.autorunner.handler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Ports stay free of technology; only the compute adapters speak Google Cloud. */
class ArchitectureTests {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.autorunner.handler");

  @Test
  void onlyComputeAdaptersUseGoogleCloudLibraries() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.autorunner.handler.vm.gce..",
            "io.autorunner.handler.vm.dryrun..",
            "io.autorunner.handler.ledger.datastore..",
            "io.autorunner.handler.system..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.google.cloud..", "com.google.api.gax..")
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
            "io.autorunner.handler.vm.dryrun..",
            "org.kohsuke.github..")
        .check(classes);
  }
}
