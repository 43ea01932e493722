package io.autorunner.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Google's libraries (credentials included) stay inside the queue adapters; the webhook never sees
 * them.
 */
class ArchitectureTests {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.autorunner");

  /** Every package is its own slice: no two packages reach each other, directly or around. */
  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.autorunner.scheduler.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void nothingDependsOnTheWiring() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.autorunner.scheduler.system..")
        .and()
        .resideOutsideOfPackage("io.autorunner.scheduler")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.autorunner.scheduler.system..")
        .check(classes);
  }

  @Test
  void protobufStaysInTheQueueAdapters() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.autorunner.scheduler.queue..")
        .and()
        .resideInAPackage("io.autorunner.scheduler..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.google.protobuf..")
        .check(classes);
  }

  @Test
  void onlyTheQueueAdaptersUseGoogleCloudLibraries() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.autorunner.scheduler.queue..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.google.cloud..", "com.google.api.gax..", "com.google.auth..")
        .check(classes);
  }

  @Test
  void theWebhookDependsOnThePortNotOnAdapters() {
    noClasses()
        .that()
        .resideInAPackage("io.autorunner.scheduler.webhook..")
        .should()
        .dependOnClassesThat()
        .haveSimpleName("LocalRunnerQueue")
        .orShould()
        .dependOnClassesThat()
        .haveSimpleName("CloudTasksRunnerQueue")
        .check(classes);
  }

  @Test
  void commonStaysFreeOfWebAndCloud() {
    noClasses()
        .that()
        .resideInAPackage("io.autorunner.common..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework.web..", "com.google.cloud..")
        .check(classes);
    // The servlet API only in common.web, the trace filter both services register.
    noClasses()
        .that()
        .resideInAPackage("io.autorunner.common..")
        .and()
        .resideOutsideOfPackage("io.autorunner.common.web..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta.servlet..")
        .check(classes);
  }
}
