package io.autorunner.handler.handout;

import io.autorunner.common.event.UntrustedText;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /vm/runner-config}: a booted runner VM's request for its runner, with its instance
 * identity token as the Bearer credential. Outside {@code /tasks/}, so the Cloud Tasks caller check
 * does not apply: the token names a VM, and {@link RunnerHandout} judges it.
 */
@RestController
public class RunnerConfigController {

  /** The path VMs call. */
  public static final String PATH = "/vm/runner-config";

  private static final Logger log = LoggerFactory.getLogger(RunnerConfigController.class);

  private final RunnerHandout handout;

  public RunnerConfigController(RunnerHandout handout) {
    this.handout = Objects.requireNonNull(handout, "handout");
  }

  @PostMapping(path = PATH, produces = MediaType.TEXT_PLAIN_VALUE)
  public ResponseEntity<String> runnerConfig(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestHeader(name = "X-Serverless-Authorization", required = false)
          String serverlessAuthorization) {
    HandoutAnswer answer = handout.handOut(authorization, serverlessAuthorization);
    String reason = UntrustedText.printable(answer.reason(), UntrustedText.Alphabet.ASCII, 500);
    if (answer.handedOut()) {
      log.info("runner config: {}", reason);
    } else {
      log.warn("runner config refused ({}): {}", answer.status(), reason);
    }
    ResponseEntity.BodyBuilder response =
        ResponseEntity.status(answer.status())
            .contentType(MediaType.TEXT_PLAIN)
            // A secret: no cache anywhere may keep it.
            .header(HttpHeaders.CACHE_CONTROL, "no-store");
    if (answer.status() == 401) {
      response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    return response.body(answer.body());
  }
}
