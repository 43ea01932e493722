package io.autorunner.handler.github;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.autorunner.common.task.JobRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.kohsuke.github.GHApp;
import org.kohsuke.github.GHAppInstallation;
import org.kohsuke.github.GHAppInstallationToken;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.HttpException;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorResponse;
import org.kohsuke.github.extras.HttpClientGitHubConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installation tokens of a GitHub App. The App signs a short JWT with its private key; github-api
 * trades it for an installation token of the job's owner, which is cached per installation until
 * five minutes before it expires (GitHub grants an hour).
 *
 * <p>The installation comes from the task when the webhook carried it, else it is looked up once
 * per owner (the organisation's installation, or the user's for a user-owned repository).
 */
public final class GitHubAppCredentials implements GitHubCredentials, GitHubApp {

  /** Tokens are replaced this long before {@code expires_at}, so none expires mid-task. */
  public static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(GitHubAppCredentials.class);
  // GitHub refuses App JWTs living longer than 10 minutes; backdating absorbs clock drift.
  private static final Duration JWT_BACKDATE = Duration.ofSeconds(60);
  private static final Duration JWT_LIFETIME = Duration.ofMinutes(9);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);

  private final long appId;
  private final PrivateKey privateKey;
  private final Clock clock;
  private final GitHub asApp;
  private final ConcurrentMap<Long, InstallationToken> tokens = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> installationsByOwner = new ConcurrentHashMap<>();
  private volatile GHApp app;

  /**
   * @param apiUrl the REST API root ({@code autorunner.github.api-url})
   * @param privateKeyPemOrPath PEM content or path, PKCS#1 or PKCS#8 (see {@link AppPrivateKeys})
   */
  public GitHubAppCredentials(URI apiUrl, long appId, String privateKeyPemOrPath, Clock clock) {
    this(apiUrl, appId, AppPrivateKeys.read(privateKeyPemOrPath), clock);
  }

  public GitHubAppCredentials(URI apiUrl, long appId, PrivateKey privateKey, Clock clock) {
    if (appId <= 0) {
      throw new IllegalArgumentException("autorunner.github.app-id must be positive");
    }
    this.appId = appId;
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.asApp = connect(Objects.requireNonNull(apiUrl, "apiUrl"));
  }

  private GitHub connect(URI apiUrl) {
    String endpoint = apiUrl.toString().replaceAll("/+$", "");
    try {
      return new GitHubBuilder()
          .withEndpoint(endpoint)
          .withAuthorizationProvider(() -> "Bearer " + appJwt())
          // github-api's own connector (java.net.http), with a connect timeout added and HTTP/1.1
          // for the same reason as GitHubRunnerClient (no h2c upgrade over cleartext).
          .withConnector(
              counted(
                  new HttpClientGitHubConnector(
                      HttpClient.newBuilder()
                          .version(HttpClient.Version.HTTP_1_1)
                          .followRedirects(HttpClient.Redirect.NORMAL)
                          .connectTimeout(CONNECT_TIMEOUT)
                          .build())))
          // The defaults sleep until the limit resets, holding the task request for up to an
          // hour; failing lets Cloud Tasks retry with backoff instead.
          .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
          .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up the GitHub App client", e);
    }
  }

  /** Token exchanges and installation look-ups count in {@link GitHubCalls} like REST calls. */
  private static GitHubConnector counted(GitHubConnector connector) {
    return request -> {
      GitHubConnectorResponse response;
      try {
        response = connector.send(request);
      } catch (IOException e) {
        GitHubCalls.record(0, null);
        throw e;
      }
      GitHubCalls.record(response.statusCode(), response.header("x-ratelimit-remaining"));
      return response;
    };
  }

  @Override
  public String token(JobRef job) {
    if (job.installationId() != null) {
      return installationToken(job.installationId());
    }
    boolean organization = job.organization() != null;
    return installationToken(
        installationOf(organization ? job.organization() : job.owner(), organization));
  }

  @Override
  public String organizationToken(String organization) {
    return installationToken(installationOf(organization, true));
  }

  @Override
  public Optional<GitHubApp> app() {
    return Optional.of(this);
  }

  @Override
  public String installationToken(long installationId) {
    return tokens
        .compute(
            installationId,
            (id, cached) ->
                cached != null && cached.usableAt(clock.instant()) ? cached : exchange(id))
        .value();
  }

  @Override
  public String jwt() {
    try {
      return appJwt();
    } catch (IOException e) {
      throw new GitHubException.Permanent("sign the GitHub App JWT: " + e.getMessage(), e);
    }
  }

  private long installationOf(String login, boolean organization) {
    String key = (organization ? "org:" : "user:") + login.toLowerCase(Locale.ROOT);
    return installationsByOwner.computeIfAbsent(
        key,
        k -> {
          String action = "look up the App installation of " + login;
          try {
            GHAppInstallation installation =
                organization
                    ? theApp().getInstallationByOrganization(login)
                    : theApp().getInstallationByUser(login);
            return installation.getId();
          } catch (IOException e) {
            throw failure(action, e);
          }
        });
  }

  private InstallationToken exchange(long installationId) {
    String action = "create an installation token for installation " + installationId;
    try {
      GHAppInstallationToken token =
          theApp().getInstallationById(installationId).createToken().create();
      Date expiresAt = token.getExpiresAt();
      Instant expiry =
          expiresAt != null ? expiresAt.toInstant() : clock.instant().plus(DEFAULT_TOKEN_LIFETIME);
      log.info(
          "Got an installation token for installation {}, valid until {}", installationId, expiry);
      return new InstallationToken(token.getToken(), expiry);
    } catch (IOException e) {
      throw failure(action, e);
    }
  }

  /** The App itself ({@code GET /app}): fetched once, the root of the installation calls. */
  private GHApp theApp() throws IOException {
    GHApp current = app;
    if (current == null) {
      synchronized (this) {
        if (app == null) {
          app = asApp.getApp();
        }
        current = app;
      }
    }
    return current;
  }

  private String appJwt() throws IOException {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(Long.toString(appId))
            .issueTime(Date.from(now.minus(JWT_BACKDATE)))
            .expirationTime(Date.from(now.plus(JWT_LIFETIME)))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    try {
      jwt.sign(new RSASSASigner(privateKey));
    } catch (JOSEException e) {
      throw new IOException("cannot sign the GitHub App JWT", e);
    }
    return jwt.serialize();
  }

  private static GitHubException failure(String action, IOException e) {
    if (e instanceof GHFileNotFoundException) {
      return new GitHubException.Permanent(action + ": HTTP 404 (is the App installed there?)", e);
    }
    if (e instanceof HttpException http && http.getResponseCode() > 0) {
      Map<String, List<String>> headers = http.getResponseHeaderFields();
      return GitHubErrors.fromStatus(
          action, http.getResponseCode(), name -> header(headers, name), http.getMessage(), e);
    }
    return new GitHubException.Transient(action + ": " + e.getMessage(), e);
  }

  private static String header(Map<String, List<String>> headers, String name) {
    if (headers == null) {
      return null;
    }
    for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
      if (name.equalsIgnoreCase(entry.getKey())
          && entry.getValue() != null
          && !entry.getValue().isEmpty()) {
        return entry.getValue().get(0);
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "GitHubAppCredentials[appId=" + appId + ", privateKey=<secret>]";
  }

  private record InstallationToken(String value, Instant expiresAt) {
    boolean usableAt(Instant now) {
      return now.isBefore(expiresAt.minus(REFRESH_BEFORE_EXPIRY));
    }

    @Override
    public String toString() {
      return "InstallationToken[value=<secret>, expiresAt=" + expiresAt + "]";
    }
  }
}
