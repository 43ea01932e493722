package io.autorunner.handler.github;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.DefaultUriBuilderFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one way this package talks REST to GitHub: GitHub's headers, failures typed by {@link
 * GitHubErrors}, every call counted in {@link GitHubCalls}, and conditional GETs ({@code ETag} /
 * {@code If-None-Match}) for listings read again and again. Build one per process and hand it to
 * every client ({@link GitHubRunners} and {@link GitHubWorkflowJobs} through {@link
 * GitHubRunnerClient}, {@link RunnerGroups}, {@link AppInstallations}, {@link WebhookRedeliveries})
 * so they share connections and the cache.
 */
public final class GitHubHttp {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  /** Room for the ETags and bodies of a few hundred listings. */
  public static final long DEFAULT_CACHE_BYTES = 16L * 1024 * 1024;

  /** The most GitHub hands out per page. */
  static final int PAGE_SIZE = 100;

  private static final Logger log = LoggerFactory.getLogger(GitHubHttp.class);
  private static final String API_VERSION = "2022-11-28";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

  private final String baseUrl;
  private final RestClient http;
  private final DefaultUriBuilderFactory uris;
  private final ConditionalCache cache;

  /**
   * @param apiUrl the REST API root, e.g. {@code https://api.github.com} or {@code
   *     https://HOST/api/v3}
   * @param cacheBytes body bytes the conditional-request cache may hold (0 turns it off)
   */
  public GitHubHttp(URI apiUrl, Duration connectTimeout, Duration readTimeout, long cacheBytes) {
    this.baseUrl = Objects.requireNonNull(apiUrl, "apiUrl").toString().replaceAll("/+$", "");
    this.cache = new ConditionalCache(cacheBytes);
    this.uris = new DefaultUriBuilderFactory(baseUrl);
    JdkClientHttpRequestFactory requests =
        new JdkClientHttpRequestFactory(
            HttpClient.newBuilder()
                // Over cleartext the JDK client would try an h2c upgrade, which proxies and
                // loopback fakes handle badly (request bodies get lost); a few calls per task
                // gain nothing from HTTP/2.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build());
    requests.setReadTimeout(readTimeout);
    this.http =
        RestClient.builder()
            .baseUrl(baseUrl)
            .requestFactory(requests)
            .defaultHeader("Accept", "application/vnd.github+json")
            .defaultHeader("X-GitHub-Api-Version", API_VERSION)
            .build();
  }

  /** One answer: its status, body (empty for 204) and headers. */
  record Answer(int status, byte[] body, HttpHeaders headers) {

    /** The body read as {@code type}. */
    <T> T as(Class<T> type) {
      if (body.length == 0) {
        throw new GitHubException.Transient("GitHub answered " + status + " without a body", null);
      }
      try {
        return JSON.readValue(body, type);
      } catch (JacksonException e) {
        throw new GitHubException.Transient(
            "GitHub answered " + status + " with an unreadable body: " + e.getOriginalMessage(), e);
      }
    }
  }

  /** {@code template} (a path under the API root) with its variables expanded and encoded. */
  URI uri(String template, Object... variables) {
    return uris.expand(template, variables);
  }

  /**
   * The {@code rel="next"} page of a cursor-paged listing. Only links under the API root are
   * followed: the bearer token goes wherever the link points.
   */
  Optional<URI> nextPage(Answer answer) {
    String link = answer.headers().getFirst(HttpHeaders.LINK);
    if (link == null) {
      return Optional.empty();
    }
    Matcher next = NEXT_LINK.matcher(link);
    if (!next.find()) {
      return Optional.empty();
    }
    String url = next.group(1);
    if (!url.startsWith(baseUrl + "/")) {
      throw new GitHubException.Permanent(
          "GitHub's next-page link leaves the API root " + baseUrl + ": " + url, null);
    }
    return Optional.of(URI.create(url));
  }

  /**
   * A GET that fails unless 2xx or one of {@code alsoAccepted}.
   *
   * @throws GitHubException typed by {@link GitHubErrors}
   */
  Answer get(String action, String token, URI uri, int... alsoAccepted) {
    return GitHubErrors.unlessFailed(
        action, exchange(HttpMethod.GET, action, token, uri, null, Optional.empty()), alsoAccepted);
  }

  /**
   * A GET that sends the {@code ETag} of the last answer for the same URL and reuses its body on
   * {@code 304}; the answer then reads {@code 200} with that body.
   *
   * @param cacheScope tells apart answers that differ by token at the same URL ({@code
   *     /installation/repositories} lists another installation's repositories), else {@code ""}
   */
  Answer getConditional(
      String action, String token, URI uri, String cacheScope, int... alsoAccepted) {
    String key = cacheScope + " " + uri;
    Optional<ConditionalCache.Entry> cached = cache.get(key);
    Answer answer =
        exchange(
            HttpMethod.GET, action, token, uri, null, cached.map(ConditionalCache.Entry::etag));
    if (answer.status() == 304 && cached.isPresent()) {
      return new Answer(200, cached.get().body(), answer.headers());
    }
    Answer checked = GitHubErrors.unlessFailed(action, answer, alsoAccepted);
    if (checked.status() == 200) {
      cache.put(key, checked.headers().getETag(), checked.body());
    } else {
      cache.remove(key);
    }
    return checked;
  }

  /** A POST, PATCH, PUT or DELETE with an optional JSON body (null for none). */
  Answer send(
      HttpMethod method, String action, String token, URI uri, Object body, int... alsoAccepted) {
    return GitHubErrors.unlessFailed(
        action, exchange(method, action, token, uri, body, Optional.empty()), alsoAccepted);
  }

  /**
   * Every item of a page-numbered listing ({@code per_page=100&page=N}), read with conditional
   * GETs, until a page comes back short or {@code maxPages} were read.
   */
  <T> List<T> pages(
      String action,
      String token,
      String cacheScope,
      IntFunction<URI> page,
      Function<Answer, List<T>> items,
      int maxPages) {
    List<T> all = new ArrayList<>();
    for (int number = 1; number <= maxPages; number++) {
      Answer answer =
          getConditional(action + " (page " + number + ")", token, page.apply(number), cacheScope);
      List<T> found = items.apply(answer);
      found = found == null ? List.of() : found;
      all.addAll(found);
      if (found.size() < PAGE_SIZE) {
        return all;
      }
    }
    log.warn("Stopped after {} pages: {}", maxPages, action);
    return all;
  }

  private Answer exchange(
      HttpMethod method, String action, String token, URI uri, Object body, Optional<String> etag) {
    Answer answer;
    try {
      RestClient.RequestBodySpec request =
          http.method(method)
              .uri(uri)
              .headers(
                  h -> {
                    if (token != null) {
                      h.setBearerAuth(token);
                    }
                    etag.ifPresent(h::setIfNoneMatch);
                  });
      if (body != null) {
        request.contentType(MediaType.APPLICATION_JSON).body(JSON.writeValueAsBytes(body));
      }
      answer =
          request.exchange(
              (req, response) ->
                  new Answer(
                      response.getStatusCode().value(),
                      response.getBody().readAllBytes(),
                      response.getHeaders()),
              true);
    } catch (RestClientException e) {
      // Connect failures, timeouts, a body cut short: the network, not the request, is at fault.
      GitHubCalls.record(0, null);
      throw new GitHubException.Transient(action + ": " + e.getMessage(), e);
    }
    GitHubCalls.record(answer.status(), answer.headers().getFirst("x-ratelimit-remaining"));
    RateLimitLog.seen(
        answer.headers().getFirst("x-ratelimit-remaining"),
        answer.headers().getFirst("x-ratelimit-resource"));
    return answer;
  }
}
