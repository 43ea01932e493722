package io.autorunner.handler.vm.gce;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.cloud.compute.v1.ImagesClient;
import com.google.cloud.compute.v1.ImagesSettings;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The boot images' bake label against the handler's runner release, on a fake images API. */
class BakedImageCheckTest {

  private static final String CPU = "projects/my-project/global/images/family/autorunner-cpu";
  private static final String GPU = "projects/my-project/global/images/family/autorunner-gpu";
  private static final String DEBIAN = "projects/debian-cloud/global/images/family/debian-12";

  @RegisterExtension
  static WireMockExtension compute =
      WireMockExtension.newInstance().options(options().dynamicPort()).build();

  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(BakedImageCheck.class);
  private ImagesClient images;

  @BeforeEach
  void start() throws Exception {
    lines.start();
    logger.addAppender(lines);
    images =
        ImagesClient.create(
            ImagesSettings.newBuilder()
                .setEndpoint(compute.baseUrl())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
  }

  @AfterEach
  void stop() {
    images.close();
    logger.detachAppender(lines);
  }

  private static void family(String project, String family, String image, String label) {
    compute.stubFor(
        get(urlPathEqualTo("/compute/v1/projects/" + project + "/global/images/family/" + family))
            .willReturn(
                okJson(
                    "{\"kind\": \"compute#image\", \"name\": \""
                        + image
                        + "\", \"family\": \""
                        + family
                        + "\""
                        + (label == null
                            ? ""
                            : ", \"labels\": {\"autorunner-runner-version\": \"" + label + "\"}")
                        + "}")));
  }

  @Test
  void anImageBakedWithAnotherRunnerReleaseIsNamedWithWhatToDo() {
    family("my-project", "autorunner-cpu", "autorunner-cpu-20261201", "2-335-1");
    family("my-project", "autorunner-gpu", "autorunner-gpu-20261101", "2-330-0");

    List<BakedImageCheck.Finding> findings =
        new BakedImageCheck(images).check(List.of(CPU, GPU), "2.335.1");

    assertThat(findings)
        .containsExactly(
            new BakedImageCheck.Finding(CPU, Optional.of("2.335.1"), true),
            new BakedImageCheck.Finding(GPU, Optional.of("2.330.0"), false));
    List<String> warnings =
        lines.list.stream()
            .filter(e -> e.getLevel() == Level.WARN)
            .map(ILoggingEvent::getFormattedMessage)
            .toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .contains("autorunner-gpu-20261101", "2.330.0", "_RUNNER_VERSION=2.335.1");
  }

  @Test
  void anImageNoBakeMadeAndOneThatCannotBeReadAreLeftAlone() {
    family("debian-cloud", "debian-12", "debian-12-bookworm-v20261110", null);

    List<BakedImageCheck.Finding> findings =
        new BakedImageCheck(images).check(List.of(DEBIAN, GPU), "2.335.1");

    assertThat(findings)
        .containsExactly(new BakedImageCheck.Finding(DEBIAN, Optional.empty(), true));
    assertThat(lines.list).noneMatch(e -> e.getLevel() == Level.WARN);
    assertThat(lines.list).anyMatch(e -> e.getFormattedMessage().contains(GPU + " unreadable"));
  }
}
