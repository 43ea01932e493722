package io.autorunner.handler.status;

import io.autorunner.handler.vm.ComputeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code GET /status}: the page a person opens (through {@code gcloud run services proxy}, with the
 * invoker's identity: the caller filter guards it like the task endpoints). A failure to list the
 * VMs answers 503 with a page that says so and still reloads itself.
 */
@RestController
class StatusController {

  private static final Logger log = LoggerFactory.getLogger(StatusController.class);

  private final StatusReader reader;
  private final StatusPage page;
  private final long refreshSeconds;

  StatusController(StatusReader reader, StatusProperties settings, LogsExplorer logs) {
    this.reader = reader;
    this.page = new StatusPage(logs, settings.refresh(), settings.stockOutWindow());
    this.refreshSeconds = settings.refresh().toSeconds();
  }

  @GetMapping(value = "/status", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> status() {
    try {
      return html(HttpStatus.OK, page.render(reader.current()));
    } catch (ComputeException e) {
      log.warn("status page: cannot list VMs: {}", e.getMessage());
      return html(
          HttpStatus.SERVICE_UNAVAILABLE,
          "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
              + "<meta http-equiv=\"refresh\" content=\""
              + refreshSeconds
              + "\"><title>autorunner status</title></head><body><h1>autorunner status</h1>"
              + "<p class=\"problem\">Compute Engine cannot be listed: "
              + HtmlUtils.htmlEscape(e.getMessage(), "UTF-8")
              + "</p></body></html>");
    }
  }

  private static ResponseEntity<String> html(HttpStatus status, String body) {
    return ResponseEntity.status(status)
        .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
        .cacheControl(CacheControl.noStore())
        .body(body);
  }
}
