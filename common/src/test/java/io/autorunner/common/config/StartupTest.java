package io.autorunner.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.autorunner.common.naming.NamingProperties;
import io.autorunner.common.policy.PolicyProperties;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * A bad configuration must stop a service with one line naming the key. The failures are made the
 * way Spring Boot makes them at start-up: by binding properties into the configuration records.
 */
class StartupTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "autorunner.policy.allowed-machine-families | z9 | autorunner.policy.allowed-machine-families",
        "autorunner.policy.allowed-gpu-types | nvidia-rtx-9090 | autorunner.policy.allowed-gpu-types",
        "autorunner.policy.default-gpu-type | nvidia-rtx-9090 | autorunner.policy.default-gpu-type",
        "autorunner.policy.allowed-zones | mars-north1 | autorunner.policy.allowed-zones",
        "autorunner.policy.image-aliases.Bad_Alias | family/x | autorunner.policy.image-aliases",
        "autorunner.policy.default-disk-gb | 800 | autorunner.policy.default-disk-gb",
        "autorunner.policy.allowed-machine-types | banana | autorunner.policy.allowed-machine-types",
        "autorunner.policy.max-vcpus | 0 | autorunner.policy.max-vcpus",
        "autorunner.policy.max-vcpus | 2 | autorunner.policy.default-machine-type",
        "autorunner.policy.max-memory-gb | 8 | autorunner.policy.default-machine-type",
        "autorunner.policy.default-machine-type | m1-ultramem-40 | autorunner.policy.default-machine-type",
      })
  void invalidPolicyValueGivesOneLineNamingTheKey(String key, String value, String named) {
    Throwable failure = bindPolicy(Map.of(key, value));

    assertThat(failure).isInstanceOf(BindException.class);
    assertThat(Startup.configurationProblem(failure).orElseThrow())
        .isNotNull()
        .startsWith(named)
        .doesNotContain("\n");
  }

  @Test
  void outOfBoundsNumbersAndBadPrefixesAreRefusedByTheRecordsThemselves() {
    assertThat(
            Startup.configurationProblem(bindPolicy(Map.of("autorunner.policy.max-gpus", "64")))
                .orElseThrow())
        .isEqualTo("autorunner.policy.max-gpus must be between 0 and 16");
    assertThat(
            Startup.configurationProblem(
                    bind(
                        Map.of("autorunner.naming.prefix", "Bad!"),
                        "autorunner.naming",
                        NamingProperties.class,
                        validator(errors -> {})))
                .orElseThrow())
        .startsWith("autorunner.naming.prefix must be 1-10 lower-case letters");
  }

  @Test
  void unknownMachineFamilyIsNamedWithTheOffendingValue() {
    Throwable failure = bindPolicy(Map.of("autorunner.policy.allowed-machine-families", "e2,z9"));

    assertThat(Startup.configurationProblem(failure).orElseThrow())
        .isEqualTo("autorunner.policy.allowed-machine-families: unknown GCE machine family 'z9'");
  }

  @Test
  void valueOfTheWrongTypeGivesOneLineNamingTheKey() {
    Throwable failure = bindPolicy(Map.of("autorunner.policy.max-gpus", "lots"));

    assertThat(failure).isInstanceOf(BindException.class);
    assertThat(Startup.configurationProblem(failure).orElseThrow())
        .startsWith("autorunner.policy.max-gpus")
        .doesNotContain("\n");
  }

  @Test
  void validationFailureGivesOneLineNamingTheKeyInKebabCase() {
    Throwable failure =
        bind(
            Map.of("autorunner.policy.max-gpus", "8"),
            "autorunner.policy",
            PolicyProperties.class,
            rejecting("maxGpus", "must be less than or equal to 16"));

    assertThat(failure).isInstanceOf(BindException.class);
    assertThat(failure).hasRootCauseInstanceOf(BindValidationException.class);
    assertThat(Startup.configurationProblem(failure).orElseThrow())
        .isEqualTo("autorunner.policy.max-gpus must be less than or equal to 16");
  }

  @Test
  void unwrappedValidationFailureGivesTheSameLine() {
    Throwable failure =
        bind(
            Map.of("autorunner.naming.prefix", "abc"),
            "autorunner.naming",
            NamingProperties.class,
            rejecting("prefix", "must match \"[a-z][a-z0-9]{0,9}\""));

    assertThat(Startup.configurationProblem(failure.getCause()).orElseThrow())
        .isEqualTo("autorunner.naming.prefix must match \"[a-z][a-z0-9]{0,9}\"");
    assertThat(Startup.configurationProblem(failure).orElseThrow())
        .isEqualTo("autorunner.naming.prefix must match \"[a-z][a-z0-9]{0,9}\"");
  }

  @Test
  void objectLevelValidationFailureNamesThePrefix() {
    Validator wholeObject =
        validator(errors -> errors.reject("Inconsistent", "default disk exceeds the maximum"));

    Throwable failure = bind(Map.of(), "autorunner.policy", PolicyProperties.class, wholeObject);

    assertThat(Startup.configurationProblem(failure).orElseThrow())
        .isEqualTo("autorunner.policy default disk exceeds the maximum");
  }

  @Test
  void failureWrappedByTheApplicationContextIsStillFound() {
    Throwable failure = bindPolicy(Map.of("autorunner.policy.allowed-machine-families", "z9"));
    Throwable wrapped =
        new IllegalStateException(
            "Error creating bean with name 'policyProperties'",
            new RuntimeException("Could not bind properties", failure));

    assertThat(Startup.configurationProblem(wrapped).orElseThrow())
        .isEqualTo(Startup.configurationProblem(failure).orElseThrow())
        .startsWith("autorunner.policy.allowed-machine-families");
  }

  @Test
  void missingConfigurationIsReportedByItsMessage() {
    Throwable failure =
        new IllegalStateException(
            "context failed",
            new MissingConfigurationException(
                "autorunner.webhook.secret is required (set AUTORUNNER_WEBHOOK_SECRET)"));

    assertThat(Startup.configurationProblem(failure).orElseThrow())
        .isEqualTo("autorunner.webhook.secret is required (set AUTORUNNER_WEBHOOK_SECRET)");
  }

  @Test
  void otherFailuresAreNotConfigurationProblems() {
    assertThat(Startup.configurationProblem(new IllegalStateException("port 8080 in use")))
        .isEmpty();
    assertThat(Startup.configurationProblem(new RuntimeException(new NullPointerException())))
        .isEmpty();
  }

  @Test
  void policyDefaultsAreWhatAnEmptyConfigurationBinds() {
    PolicyProperties bound =
        new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("autorunner.policy", PolicyProperties.class);

    assertThat(PolicyProperties.defaults()).isEqualTo(bound);
  }

  @Test
  void namingDefaultsToTheGhrPrefix() {
    NamingProperties bound =
        new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("autorunner.naming", NamingProperties.class);

    assertThat(bound.prefix()).isEqualTo("ghr");
  }

  @Test
  void policyBindsFromEnvironmentVariables() {
    SystemEnvironmentPropertySource environment =
        new SystemEnvironmentPropertySource(
            "env",
            Map.of(
                "AUTORUNNER_POLICY_MAX_GPUS", "2",
                "AUTORUNNER_POLICY_ALLOWED_ZONES", "us-central1-a, US-CENTRAL1-B",
                "AUTORUNNER_POLICY_ALLOWED_MACHINE_FAMILIES", "n1,g2",
                "AUTORUNNER_POLICY_SPOT", "false"));

    PolicyProperties bound =
        new Binder(ConfigurationPropertySources.from(environment))
            .bindOrCreate("autorunner.policy", PolicyProperties.class);

    assertThat(bound.maxGpus()).isEqualTo(2);
    assertThat(bound.allowedZones()).containsExactly("us-central1-a", "us-central1-b");
    assertThat(bound.allowedMachineFamilies()).containsExactly("n1", "g2");
    assertThat(bound.spot()).isFalse();
    assertThat(bound.defaultMachineType()).isEqualTo("e2-standard-4");
  }

  @Test
  void costBoundsBindFromEnvironmentVariables() {
    SystemEnvironmentPropertySource environment =
        new SystemEnvironmentPropertySource(
            "env",
            Map.of(
                "AUTORUNNER_POLICY_MAX_VCPUS", "16",
                "AUTORUNNER_POLICY_MAX_MEMORY_GB", "64",
                "AUTORUNNER_POLICY_ALLOWED_MACHINE_TYPES", "e2-standard-4, N1-Standard-4",
                "AUTORUNNER_POLICY_ALLOW_STANDARD", "false"));

    PolicyProperties bound =
        new Binder(ConfigurationPropertySources.from(environment))
            .bindOrCreate("autorunner.policy", PolicyProperties.class);

    assertThat(bound.maxVcpus()).isEqualTo(16);
    assertThat(bound.maxMemoryGb()).isEqualTo(64);
    assertThat(bound.allowedMachineTypes()).containsExactly("e2-standard-4", "n1-standard-4");
    assertThat(bound.allowStandard()).isFalse();
  }

  @Test
  void aMachineOverTheSizesStopsTheStartNamingTheBound() {
    assertThat(
            Startup.configurationProblem(
                    bindPolicy(Map.of("autorunner.policy.default-machine-type", "n2-standard-64")))
                .orElseThrow())
        .isEqualTo(
            "autorunner.policy.default-machine-type n2-standard-64: 64 vCPUs is over"
                + " autorunner.policy.max-vcpus=48");
  }

  @Test
  void imageAliasesBindAsAMap() {
    PolicyProperties bound =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of(
                        "autorunner.policy.image-aliases.cuda-12",
                        "projects/acme/global/images/family/runner-cuda-12")))
            .bindOrCreate("autorunner.policy", PolicyProperties.class);

    assertThat(bound.imageAliases())
        .containsExactlyEntriesOf(
            Map.of("cuda-12", "projects/acme/global/images/family/runner-cuda-12"));
    assertThat(bound.allowedZones()).isEqualTo(List.of());
  }

  // --- factories -------------------------------------------------------------------------------

  private static Throwable bindPolicy(Map<String, String> properties) {
    return catchThrowable(
        () ->
            new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("autorunner.policy", PolicyProperties.class));
  }

  private static Throwable bind(
      Map<String, String> properties, String prefix, Class<?> type, Validator validator) {
    Throwable failure =
        catchThrowable(
            () ->
                new Binder(new MapConfigurationPropertySource(properties))
                    .bindOrCreate(
                        prefix,
                        org.springframework.boot.context.properties.bind.Bindable.of(type),
                        new ValidationBindHandler(validator)));
    assertThat(failure).as("binding %s should fail", properties).isNotNull();
    return failure;
  }

  /**
   * Stands in for Bean Validation (common has no provider on its class path): rejects one field the
   * way a constraint annotation would.
   */
  private static Validator rejecting(String field, String message) {
    return validator(errors -> errors.rejectValue(field, "Invalid", message));
  }

  private static Validator validator(java.util.function.Consumer<Errors> check) {
    return new Validator() {
      @Override
      public boolean supports(Class<?> type) {
        return type == PolicyProperties.class || type == NamingProperties.class;
      }

      @Override
      public void validate(Object target, Errors errors) {
        check.accept(errors);
      }
    };
  }
}
