package io.autorunner.handler.github;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;

/**
 * Finds {@code workflow_job} webhooks GitHub failed to deliver to the scheduler and asks GitHub to
 * deliver them again: GitHub never redelivers on its own, and a lost {@code queued} delivery is a
 * job no VM is made for. Reads the App webhook's delivery log ({@code GET /app/hook/deliveries},
 * newest first) back over a window, as GitHub's guide to failed deliveries suggests, and needs no
 * memory of earlier runs: a delivery whose guid was delivered successfully since is left alone.
 *
 * <p>Two handler instances may redeliver the same guid at once; the scheduler's deduplication
 * (named tasks) makes that harmless. Within one call each guid is redelivered at most once.
 */
public final class WebhookRedeliveries {

  public static final int DEFAULT_MAX_PER_CALL = 20;

  /**
   * A guid delivered this often in the window, every time failing, is left alone: the scheduler
   * refuses it for a reason a redelivery does not change (a wrong secret), and the reconciler's
   * queued-job sweep still finds its job.
   */
  static final int MAX_DELIVERIES_PER_GUID = 4;

  private static final Logger log = LoggerFactory.getLogger(WebhookRedeliveries.class);
  private static final String WORKFLOW_JOB = "workflow_job";
  // 50 pages of 100 deliveries: far more than autorunner's webhook sees in a day.
  private static final int MAX_PAGES = 50;

  private final GitHubHttp http;
  private final GitHubCredentials credentials;
  private final Clock clock;
  private final int maxPerCall;

  /**
   * @param http the process's GitHub HTTP client, shared with the other GitHub clients
   * @param credentials App credentials; with a static token there is no App webhook to read
   * @param maxPerCall the most redeliveries one call asks for (see {@link #DEFAULT_MAX_PER_CALL})
   */
  public WebhookRedeliveries(
      GitHubHttp http, GitHubCredentials credentials, Clock clock, int maxPerCall) {
    if (maxPerCall < 1) {
      throw new IllegalArgumentException("the redeliveries per call must be positive");
    }
    this.http = Objects.requireNonNull(http, "http");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxPerCall = maxPerCall;
  }

  /**
   * What one call found and did.
   *
   * @param available false with a static token: there is no App webhook log to read
   * @param seen {@code workflow_job} deliveries in the window
   * @param failed guids of those whose every delivery in the window failed
   * @param redelivered redeliveries GitHub accepted (202)
   * @param failures redeliveries GitHub refused, typed: {@code Transient} ones will be tried again
   *     by the next call
   * @param note what was left alone and why, or why nothing is available
   */
  public record Report(
      boolean available,
      int seen,
      int failed,
      int redelivered,
      List<Failure> failures,
      String note) {
    public Report {
      failures = List.copyOf(failures);
    }

    static Report notAvailable() {
      return new Report(
          false,
          0,
          0,
          0,
          List.of(),
          "not available: lost deliveries are read from a GitHub App's"
              + " webhook log, and autorunner authenticates with a token");
    }
  }

  /** A redelivery GitHub refused. */
  public record Failure(long deliveryId, String guid, GitHubException error) {}

  /**
   * Redelivers, once each and at most {@code maxPerCall}, the failed {@code workflow_job}
   * deliveries of the last {@code window} (oldest first: they leave the window soonest).
   *
   * @throws GitHubException when the delivery log cannot be read, typed by {@link GitHubErrors}
   */
  public Report redeliverFailed(Duration window) {
    Optional<GitHubApp> app = credentials.app();
    if (app.isEmpty()) {
      return Report.notAvailable();
    }
    Instant since = clock.instant().minus(window);
    String jwt = app.get().jwt();
    Map<String, List<WebhookDeliveryJson>> byGuid = workflowJobDeliveries(jwt, since);
    int seen = byGuid.values().stream().mapToInt(List::size).sum();
    Lost lost = lost(byGuid);
    List<WebhookDeliveryJson> now = lost.deliveries().subList(0, Math.min(maxPerCall, lost.size()));
    List<Failure> failures = redeliver(jwt, now);
    int redelivered = now.size() - failures.size();
    int failed = lost.size() + lost.exhausted();
    String note = note(lost.size() - now.size(), lost.exhausted());
    if (failed > 0) {
      log.info(
          "Webhook log: {} workflow_job deliveries, {} lost, {} redelivered, {} refused{}",
          seen,
          failed,
          redelivered,
          failures.size(),
          note.isEmpty() ? "" : "; " + note);
    }
    return new Report(true, seen, failed, redelivered, failures, note);
  }

  /**
   * The guids never delivered successfully, oldest first (they leave the window soonest), each by
   * its latest failed delivery; {@code exhausted} counts those given up on.
   */
  private record Lost(List<WebhookDeliveryJson> deliveries, int exhausted) {
    int size() {
      return deliveries.size();
    }
  }

  private static Lost lost(Map<String, List<WebhookDeliveryJson>> byGuid) {
    List<WebhookDeliveryJson> lost = new ArrayList<>();
    int exhausted = 0;
    for (List<WebhookDeliveryJson> deliveries : byGuid.values()) {
      if (deliveries.stream().anyMatch(WebhookDeliveryJson::succeeded)) {
        continue;
      }
      if (deliveries.size() >= MAX_DELIVERIES_PER_GUID) {
        exhausted++;
        continue;
      }
      // Newest first: the latest failed attempt stands for the guid.
      lost.add(deliveries.get(0));
    }
    lost.sort(Comparator.comparing(WebhookDeliveryJson::deliveredAtOrEpoch));
    return new Lost(lost, exhausted);
  }

  /** Asks for each redelivery; the ones GitHub refused. */
  private List<Failure> redeliver(String jwt, List<WebhookDeliveryJson> deliveries) {
    List<Failure> failures = new ArrayList<>();
    for (WebhookDeliveryJson delivery : deliveries) {
      try {
        redeliver(jwt, delivery);
      } catch (GitHubException e) {
        failures.add(new Failure(delivery.id(), delivery.guid(), e));
      }
    }
    return failures;
  }

  private static String note(int beyondBound, int exhausted) {
    List<String> parts = new ArrayList<>();
    if (beyondBound > 0) {
      parts.add(beyondBound + " left for the next call (bound per call)");
    }
    if (exhausted > 0) {
      parts.add(
          exhausted
              + " given up after "
              + MAX_DELIVERIES_PER_GUID
              + " failed deliveries each (does the scheduler refuse them?)");
    }
    return String.join("; ", parts);
  }

  /** The window's {@code workflow_job} deliveries by guid, each list newest first. */
  private Map<String, List<WebhookDeliveryJson>> workflowJobDeliveries(String jwt, Instant since) {
    Map<String, List<WebhookDeliveryJson>> byGuid = new LinkedHashMap<>();
    Optional<URI> page =
        Optional.of(http.uri("/app/hook/deliveries?per_page={size}", GitHubHttp.PAGE_SIZE));
    for (int number = 1; page.isPresent() && number <= MAX_PAGES; number++) {
      GitHubHttp.Answer answer =
          http.get("list the App webhook's deliveries (page " + number + ")", jwt, page.get());
      boolean pastWindow = false;
      for (WebhookDeliveryJson delivery : answer.as(WebhookDeliveryJson[].class)) {
        if (delivery.deliveredAtOrEpoch().isBefore(since)) {
          pastWindow = true;
          continue;
        }
        if (WORKFLOW_JOB.equals(delivery.event()) && delivery.guid() != null) {
          byGuid.computeIfAbsent(delivery.guid(), g -> new ArrayList<>()).add(delivery);
        }
      }
      page = pastWindow ? Optional.empty() : http.nextPage(answer);
      if (page.isPresent() && number == MAX_PAGES) {
        log.warn("Stopped reading the webhook log after {} pages", MAX_PAGES);
      }
    }
    return byGuid;
  }

  private void redeliver(String jwt, WebhookDeliveryJson delivery) {
    http.send(
        HttpMethod.POST,
        "redeliver webhook delivery " + delivery.id() + " (guid " + delivery.guid() + ")",
        jwt,
        http.uri("/app/hook/deliveries/{id}/attempts", delivery.id()),
        null);
  }
}
