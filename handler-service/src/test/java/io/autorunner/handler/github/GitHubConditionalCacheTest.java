package io.autorunner.handler.github;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GitHubConditionalCacheTest {

  @Test
  void dropsTheLeastRecentlyUsedAnswersBeyondItsBytes() {
    ConditionalCache cache = new ConditionalCache(40);
    cache.put("a", "\"a\"", new byte[10]);
    cache.put("b", "\"b\"", new byte[10]);
    cache.put("c", "\"c\"", new byte[10]);
    cache.get("a");

    cache.put("d", "\"d\"", new byte[10]);
    cache.put("e", "\"e\"", new byte[10]);

    assertThat(cache.get("a")).isPresent();
    assertThat(cache.get("b")).isEmpty();
    assertThat(cache.bytes()).isLessThanOrEqualTo(40);
  }

  @Test
  void keepsNoAnswerWithoutAnEtagOrTooLargeForItsShare() {
    ConditionalCache cache = new ConditionalCache(40);

    cache.put("no etag", null, new byte[1]);
    cache.put("too large", "\"x\"", new byte[11]);

    assertThat(cache.get("no etag")).isEmpty();
    assertThat(cache.get("too large")).isEmpty();
  }

  @Test
  void aCacheOfZeroBytesKeepsNothingNotEvenEmptyBodies() {
    ConditionalCache off = new ConditionalCache(0);

    off.put("empty", "\"e\"", new byte[0]);

    assertThat(off.get("empty")).isEmpty();
  }
}
