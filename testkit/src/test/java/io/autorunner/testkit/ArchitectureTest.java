package io.autorunner.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The testkit's packages form no cycle, and the fake Datastore stands on its own. */
class ArchitectureTest {

  private final JavaClasses main =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.autorunner.testkit");

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.autorunner.testkit.(*)..").should().beFreeOfCycles().check(main);
  }

  /** handler-service compiles this package's sources into its own tests, without the rest. */
  @Test
  void theFakeDatastoreUsesOnlyTheJdkAndTheDatastoreProtos() {
    classes()
        .that()
        .resideInAPackage("io.autorunner.testkit.datastore..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "io.autorunner.testkit.datastore..",
            "java..",
            "com.sun.net.httpserver..",
            "com.google.datastore.v1..",
            "com.google.protobuf..",
            "com.google.rpc..")
        .check(main);
  }
}
