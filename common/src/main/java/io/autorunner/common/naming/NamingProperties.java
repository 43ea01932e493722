package io.autorunner.common.naming;

import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.naming.*}: the prefix of every VM and runner name. Both services must agree on
 * it, since a {@code completed} delivery's runner name is recognised as ours by it.
 *
 * @param prefix lower-case letters and digits, starting with a letter, at most 10 characters
 */
@Validated
@ConfigurationProperties("autorunner.naming")
public record NamingProperties(
    @DefaultValue("ghr") @Pattern(regexp = "[a-z][a-z0-9]{0,9}") String prefix) {}
