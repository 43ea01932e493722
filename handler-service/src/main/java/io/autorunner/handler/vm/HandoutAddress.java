package io.autorunner.handler.vm;

import java.net.URI;
import java.util.Objects;

/**
 * Where a runner VM asks for its runner at boot, and the audience its identity token must name.
 * Both go into the VM's metadata; neither is a secret.
 *
 * @param url the handler's runner-config endpoint
 * @param audience the audience of the VM's instance identity token (the handler's URL)
 */
public record HandoutAddress(URI url, String audience) {
  public HandoutAddress {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(audience, "audience");
  }
}
