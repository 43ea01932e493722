package io.autorunner.handler.task;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A body that is not a task will not become one by retrying: every task endpoint ends such a task
 * with a 2xx refusal, loudly, instead of the 400 Cloud Tasks would retry until the task expires.
 * Only a scheduler of another version could send one. An advice, not a controller's own handler, so
 * that no endpoint is left out.
 */
@RestControllerAdvice
class UnreadableTaskAdvice {

  private static final Logger log = LoggerFactory.getLogger(UnreadableTaskAdvice.class);

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
    String reason = "task body is not a valid task: " + e.getMostSpecificCause().getMessage();
    log.error("refused: {}", reason);
    return ResponseEntity.status(HttpStatus.OK)
        .body(Map.of("outcome", "refused", "reason", reason));
  }
}
