package io.autorunner.handler.github;

import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.github.*}: how the handler reaches GitHub. Either a GitHub App ({@code app-id}
 * and {@code app-private-key}) or a {@code token}.
 *
 * @param apiUrl the REST API root; GitHub Enterprise Server uses {@code https://HOST/api/v3}
 * @param token a token with administration rights on the runners (instead of an App)
 * @param appId the GitHub App id
 * @param appPrivateKey the App's private key: PEM content (PKCS#1 as GitHub hands it out, or
 *     PKCS#8) or a path to the PEM file
 * @param runnerGroup the organisation runner group JIT runners join; the handler keeps it admitting
 *     exactly the repositories of {@code autorunner.routing.*}'s allow-lists
 * @param manageRunnerGroup create and correct that group through GitHub's runner-groups API; when
 *     off, the group must exist already and runners are refused while it admits more than the
 *     allow-lists
 * @param runnerVersion the Actions runner release the VMs download
 * @param runnerSha256Linux sha256 of {@code actions-runner-linux-x64-VERSION.tar.gz}
 * @param runnerSha256Windows sha256 of {@code actions-runner-win-x64-VERSION.zip}; when it is
 *     blank, Windows jobs are refused with that reason
 * @param runnerDownloadUrl where the runner releases live ({@code VERSION} and {@code FILE} are
 *     replaced)
 */
@Validated
@ConfigurationProperties("autorunner.github")
public record GitHubProperties(
    @DefaultValue("https://api.github.com") URI apiUrl,
    String token,
    Long appId,
    String appPrivateKey,
    @DefaultValue("autorunner") @NotBlank String runnerGroup,
    @DefaultValue("true") boolean manageRunnerGroup,
    @DefaultValue("2.335.1") @NotBlank String runnerVersion,
    @DefaultValue("4ef2f25285f0ae4477f1fe1e346db76d2f3ebf03824e2ddd1973a2819bf6c8cf")
        String runnerSha256Linux,
    @DefaultValue("eb65c95277af42bcf3778a799c41359d224ba2a67b4de26b7cea1729b09c803d")
        String runnerSha256Windows,
    @DefaultValue("https://github.com/actions/runner/releases/download/vVERSION/FILE")
        String runnerDownloadUrl) {

  public boolean usesApp() {
    return appId != null;
  }
}
