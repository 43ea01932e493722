package io.autorunner.handler.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code autorunner.handler.auth=none}: every caller is accepted. For running on a laptop only —
 * anyone who reaches the port can make the handler create VMs.
 */
public final class AcceptAnyCaller implements CallerVerifier {

  private static final Logger log = LoggerFactory.getLogger(AcceptAnyCaller.class);

  /** What {@link CallerCheck.Accepted#email()} says, since nobody was identified. */
  public static final String UNVERIFIED = "unverified-caller";

  private AcceptAnyCaller() {}

  /** The verifier, after warning loudly in the log that the task endpoints are open. */
  public static AcceptAnyCaller withLoudWarning() {
    log.warn(
        "!!! autorunner.handler.auth=none: the task endpoints accept ANY caller. Anyone who can"
            + " reach this port can create and delete VMs. Use only on a local machine; set"
            + " autorunner.handler.auth=oidc or cloud-run-iam anywhere else. !!!");
    return new AcceptAnyCaller();
  }

  @Override
  public CallerCheck verify(String authorization, String serverlessAuthorization) {
    return new CallerCheck.Accepted(UNVERIFIED);
  }
}
