package io.autorunner.handler.vm.gce;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.ImagesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the boot images' bake and the handler's runner release are in step. A bake
 * (cloudbuild-bake.yaml, deploy/bake-image.sh) labels its image {@code
 * autorunner-runner-version=2-335-1}; a VM whose image holds another release than {@code
 * autorunner.github.runner-version} downloads the configured one at boot (the bootstrap reads the
 * bake's marker), which costs its job a minute, and GitHub refuses runners that grow too old. So at
 * start the handler reads the images it boots from and says, once, which are behind: bake again
 * with the handler's release, or set the handler's to the bake's.
 *
 * <p>Only reading: an image that cannot be read (a permission, a public image project) is logged
 * and otherwise ignored.
 */
public final class BakedImageCheck {

  private static final Logger log = LoggerFactory.getLogger(BakedImageCheck.class);

  /** The label a bake leaves on its image. */
  static final String LABEL = "autorunner-runner-version";

  private static final Pattern FAMILY =
      Pattern.compile("(?:.*/)?projects/([^/]+)/global/images/family/([^/]+)");
  private static final Pattern IMAGE =
      Pattern.compile("(?:.*/)?projects/([^/]+)/global/images/([^/]+)");

  /** What one image said. */
  record Finding(String image, Optional<String> bakedWith, boolean inStep) {}

  private final ImagesClient images;

  public BakedImageCheck(ImagesClient images) {
    this.images = Objects.requireNonNull(images, "images");
  }

  /** Reads each image and logs those baked with another runner release than {@code wanted}. */
  public List<Finding> check(List<String> bootImages, String wanted) {
    List<Finding> findings = new ArrayList<>();
    for (String image : bootImages.stream().distinct().toList()) {
      Optional<Image> read;
      try {
        read = read(image);
      } catch (ApiException e) {
        log.info(
            "boot image {} unreadable, its runner release unchecked: {}",
            image,
            GceFailure.of(e).summary());
        continue;
      }
      if (read.isEmpty()) {
        continue;
      }
      Optional<String> baked =
          Optional.ofNullable(read.get().getLabelsMap().get(LABEL)).map(v -> v.replace('-', '.'));
      boolean inStep = baked.isEmpty() || baked.get().equals(wanted);
      findings.add(new Finding(image, baked, inStep));
      if (baked.isPresent() && !inStep) {
        log.warn(
            "boot image {} ({}) was baked with Actions runner {}, but autorunner.github.runner-version"
                + " is {}: its VMs download {} at boot (a minute more a job). Bake again with"
                + " cloudbuild-bake.yaml's _RUNNER_VERSION={}, or set the handler's to {}",
            image,
            read.get().getName(),
            baked.get(),
            wanted,
            wanted,
            wanted,
            baked.get());
      } else if (baked.isPresent()) {
        log.info(
            "boot image {} ({}) was baked with Actions runner {}, as configured",
            image,
            read.get().getName(),
            baked.get());
      }
    }
    return findings;
  }

  private Optional<Image> read(String image) {
    Matcher family = FAMILY.matcher(image);
    if (family.matches()) {
      return Optional.of(images.getFromFamily(family.group(1), family.group(2)));
    }
    Matcher named = IMAGE.matcher(image);
    if (named.matches()) {
      return Optional.of(images.get(named.group(1), named.group(2)));
    }
    return Optional.empty();
  }
}
