package io.autorunner.handler.status;

import java.util.List;
import java.util.Objects;

/**
 * A warm pool as the page shows it.
 *
 * @param name the pool's name
 * @param summary what it holds and wants, in a few words (e.g. {@code 1 idle, 1 booting})
 * @param members the VMs in it now
 */
public record Pool(String name, String summary, List<String> members) {
  public Pool {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(summary, "summary");
    members = List.copyOf(members);
  }
}
