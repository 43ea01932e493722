package io.autorunner.handler.github;

import io.autorunner.common.task.RepositoryScope;
import java.io.IOException;
import java.net.URI;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.kohsuke.github.GHApp;
import org.kohsuke.github.GHAppInstallation;
import org.kohsuke.github.GHAppInstallationToken;
import org.kohsuke.github.GitHub;
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
  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);

  private final AppJwt jwt;
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
    this.jwt = new AppJwt(appId, privateKey, clock);
    this.clock = clock;
    this.asApp = AppClients.asApp(Objects.requireNonNull(apiUrl, "apiUrl"), jwt);
  }

  @Override
  public String token(RepositoryScope scope) {
    if (scope.installation().isPresent()) {
      return installationToken(scope.installation().get());
    }
    Optional<String> organization = scope.owningOrganization();
    return installationToken(
        installationOf(organization.orElse(scope.owner()), organization.isPresent()));
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
      return jwt.sign();
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
            throw GitHubErrors.fromAppClient(action, e);
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
      throw GitHubErrors.fromAppClient(action, e);
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

  @Override
  public String toString() {
    return "GitHubAppCredentials[appId=" + jwt.appId() + ", privateKey=<secret>]";
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
