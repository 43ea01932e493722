package io.autorunner.common.policy;

/** The guest OS of a runner VM; it picks the image and the bootstrap script. */
public enum OperatingSystem {
  LINUX,
  WINDOWS
}
