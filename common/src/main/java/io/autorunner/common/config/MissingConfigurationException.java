package io.autorunner.common.config;

/** A required key is missing or does not fit the mode it is used in; the message names the key. */
public class MissingConfigurationException extends RuntimeException {
  public MissingConfigurationException(String message) {
    super(message);
  }
}
