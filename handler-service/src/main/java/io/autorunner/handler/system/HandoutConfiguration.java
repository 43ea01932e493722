package io.autorunner.handler.system;

import io.autorunner.common.config.MissingConfigurationException;
import io.autorunner.handler.auth.HandlerProperties;
import io.autorunner.handler.auth.InstanceIdentityVerifier;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.handout.RunnerConfigProperties;
import io.autorunner.handler.handout.RunnerHandout;
import io.autorunner.handler.reconcile.ReconcileProperties;
import io.autorunner.handler.vm.HandoutAddress;
import io.autorunner.handler.vm.RunnerMachines;
import io.autorunner.handler.vm.gce.GceProperties;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How runner VMs get their runner: where they ask (written into each VM's metadata) and who judges
 * the asking VM's identity token, per {@code autorunner.handler.auth}: checked against Google's
 * keys here, or by Cloud Run IAM in front (which must then let the VMs' account invoke).
 */
@Configuration(proxyBeanMethods = false)
class HandoutConfiguration {

  private static final Logger log = LoggerFactory.getLogger(HandoutConfiguration.class);

  /** Nothing boots in dry-run: the address only fills the written instance. */
  private static final String DRY_RUN_HANDLER = "http://127.0.0.1:8081";

  @Bean
  HandoutAddress handoutAddress(
      RunnerConfigProperties config,
      HandlerProperties handler,
      ComputeProperties compute,
      GceProperties gce) {
    if (compute.mode() == ComputeProperties.Mode.GCE
        && (gce.serviceAccount() == null || gce.serviceAccount().isBlank())) {
      throw new MissingConfigurationException(
          "autorunner.gce.service-account is required with autorunner.compute.mode=gce: a VM"
              + " asks for its runner with the identity token of its service account, and a VM"
              + " without one has none (give it an account with no roles; deploy/setup.sh makes"
              + " autorunner-runner@)");
    }
    Optional<String> handlerUrl = Optional.ofNullable(handler.audience()).filter(a -> !a.isBlank());
    if (compute.mode() == ComputeProperties.Mode.DRY_RUN && config.url() == null) {
      handlerUrl = handlerUrl.or(() -> Optional.of(DRY_RUN_HANDLER));
    }
    try {
      HandoutAddress address = config.address(handlerUrl);
      log.info(
          "runner VMs ask {} for their runner (audience {})", address.url(), address.audience());
      return address;
    } catch (IllegalArgumentException e) {
      throw new MissingConfigurationException(e.getMessage());
    }
  }

  @Bean
  RunnerHandout runnerHandout(
      RunnerConfigProperties config,
      HandoutAddress address,
      HandlerProperties handler,
      GceProperties gce,
      ReconcileProperties reconcile,
      LimitsProperties limits,
      RunnerMachines machines,
      GitHubActions github,
      Clock clock) {
    Optional<String> account = Optional.ofNullable(gce.serviceAccount()).filter(s -> !s.isBlank());
    Optional<InstanceIdentityVerifier> verifier =
        Optional.ofNullable(gce.project())
            .filter(p -> !p.isBlank())
            .map(
                project ->
                    handler.auth() == HandlerProperties.Auth.CLOUD_RUN_IAM
                        ? InstanceIdentityVerifier.behindCloudRunIam(
                            address.audience(), project, account, clock)
                        : InstanceIdentityVerifier.signedByGoogle(
                            config.jwksUrl(), address.audience(), project, account, clock));
    return new RunnerHandout(
        verifier,
        machines,
        github,
        config.windowOr(reconcile.bootTimeout()),
        limits.maxInstances(),
        clock);
  }
}
