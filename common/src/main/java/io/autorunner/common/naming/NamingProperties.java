package io.autorunner.common.naming;

import io.autorunner.common.config.Require;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code autorunner.naming.*}: the prefix of every VM and runner name. Both services must agree on
 * it, since a {@code completed} delivery's runner name is recognised as ours by it.
 *
 * @param prefix lower-case letters and digits, starting with a letter, at most 10 characters
 */
@ConfigurationProperties("autorunner.naming")
public record NamingProperties(@DefaultValue("ghr") String prefix) {

  public NamingProperties {
    Require.that(
        InstanceNaming.isPrefix(prefix),
        "autorunner.naming.prefix must be 1-10 lower-case letters or digits, starting with a letter");
  }
}
