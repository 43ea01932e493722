package io.autorunner.testkit.boot;

import io.autorunner.testkit.gce.FakeInstance;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * What a fake VM's boot image brings, told from the image its insert names, as an operator's
 * configuration tells it: an image of the bake's families ({@code autorunner-cpu}, {@code
 * autorunner-gpu}, or an image the bake named {@code autorunner-KIND-TIMESTAMP}) carries the bake
 * marker, Docker, the runner and on GPU images the driver and toolkit; Google's Deep Learning VM
 * images ({@code deeplearning-platform-release}) ship the NVIDIA driver (taken to bring nothing
 * else the bootstrap checks for); any other image brings none of it. A bake made for another runner
 * release (which downloads the runner at boot) is not modelled.
 */
record BootImage(String sourceImage, boolean baked, boolean nvidiaDriver, boolean windows) {

  static final String BAKED_PREFIX = "autorunner-";
  static final String DEEP_LEARNING_PROJECT = "projects/deeplearning-platform-release/";

  static BootImage of(FakeInstance vm) {
    String image = sourceImage(vm.resource());
    String name = image.substring(image.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    boolean baked = name.startsWith(BAKED_PREFIX);
    boolean driver = baked || image.toLowerCase(Locale.ROOT).contains(DEEP_LEARNING_PROJECT);
    boolean windows = vm.metadata().containsKey(FakeInstance.WINDOWS_STARTUP_SCRIPT);
    return new BootImage(image, baked, driver, windows);
  }

  /** The boot disk's {@code initializeParams.sourceImage}; an insert without one is refused. */
  private static String sourceImage(JsonNode resource) {
    for (JsonNode disk : resource.path("disks")) {
      if (disk.path("boot").asBoolean(false)) {
        String image = disk.path("initializeParams").path("sourceImage").asString("");
        if (!image.isBlank()) {
          return image;
        }
      }
    }
    throw new IllegalArgumentException("the insert names no boot disk image");
  }
}
