package io.autorunner.testkit.github;

import io.autorunner.testkit.http.BadRequest;
import io.autorunner.testkit.http.Request;
import java.util.List;

/** GitHub's {@code per_page} (1 to 100, default 30) and {@code page} (from 1) parameters. */
record Paging(int perPage, int page) {

  static Paging of(Request request) {
    try {
      int perPage =
          Math.min(
              100, Math.max(1, Integer.parseInt(request.query().getOrDefault("per_page", "30"))));
      int page = Math.max(1, Integer.parseInt(request.query().getOrDefault("page", "1")));
      return new Paging(perPage, page);
    } catch (NumberFormatException e) {
      throw new BadRequest("per_page and page must be numbers");
    }
  }

  <T> List<T> page(List<T> all) {
    int from = (int) Math.min(all.size(), (long) (page - 1) * perPage);
    int to = Math.min(all.size(), from + perPage);
    return all.subList(from, to);
  }
}
