package io.autorunner.common.config;

import java.util.Optional;

/**
 * An API address set in place of Google's (a fake or an emulator on this machine, in tests and in
 * the local default). The one rule every Google client here follows: a plain {@code http://}
 * address is a local stand-in, reached without credentials; any other address gets the Application
 * Default Credentials as Google's own would.
 *
 * @param address the address as configured, blank for none
 */
public record EndpointOverride(String address) {

  public EndpointOverride {
    address = address == null ? "" : address.trim();
  }

  /** The override of {@code address}, or empty when it is blank (Google's own endpoint). */
  public static Optional<EndpointOverride> of(String address) {
    EndpointOverride override = new EndpointOverride(address);
    return override.address().isEmpty() ? Optional.empty() : Optional.of(override);
  }

  /** Whether requests go without credentials: plain http, a stand-in on this machine. */
  public boolean withoutCredentials() {
    return address.startsWith("http://");
  }
}
