package io.autorunner.handler.github;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a runner group admits, in the terms GitHub configures it with — either a group as GitHub has
 * it, or the group the allow-lists call for — and how two of them differ. Pure: no calls.
 *
 * @param visibility {@code all}, {@code selected} or {@code private} (GitHub may add more; an
 *     unknown one counts as admitting everything)
 * @param selected the admitted repositories (id → {@code owner/name}) when {@code selected}
 * @param allowsPublic whether public repositories are admitted
 */
record GroupAccess(String visibility, Map<Long, String> selected, boolean allowsPublic) {

  static final String ALL = "all";
  static final String SELECTED = "selected";
  static final String PRIVATE = "private";

  GroupAccess {
    visibility = visibility == null ? "" : visibility.toLowerCase(Locale.ROOT);
    selected = new TreeMap<>(selected == null ? Map.of() : selected);
  }

  /** How {@code actual} differs from {@code wanted}: what it admits beyond, what it leaves out. */
  record Differences(List<String> wider, List<String> narrower) {
    Differences {
      wider = List.copyOf(wider);
      narrower = List.copyOf(narrower);
    }
  }

  /** The group the allow-lists call for: every repository, or exactly {@code repositories}. */
  static GroupAccess wanted(boolean everyRepository, Map<Long, String> repositories, boolean pub) {
    return everyRepository
        ? new GroupAccess(ALL, Map.of(), pub)
        : new GroupAccess(SELECTED, repositories, pub);
  }

  boolean selectsRepositories() {
    return SELECTED.equals(visibility);
  }

  static Differences compare(GroupAccess actual, GroupAccess wanted) {
    List<String> wider = new ArrayList<>();
    List<String> narrower = new ArrayList<>();
    boolean known = List.of(ALL, SELECTED, PRIVATE).contains(actual.visibility);
    if (!known) {
      wider.add("visibility '" + actual.visibility + "', which autorunner does not know");
    } else if (wanted.selectsRepositories()) {
      switch (actual.visibility) {
        case ALL -> wider.add("every repository of the organisation");
        case PRIVATE -> wider.add("every private repository of the organisation");
        default -> {
          List<String> extra = namesNotIn(actual, wanted);
          List<String> missing = namesNotIn(wanted, actual);
          if (!extra.isEmpty()) {
            wider.add("repositories that are not allow-listed: " + String.join(", ", extra));
          }
          if (!missing.isEmpty()) {
            narrower.add("not the allow-listed " + String.join(", ", missing));
          }
        }
      }
    } else if (actual.selectsRepositories()) {
      narrower.add("only its " + actual.selected.size() + " selected repositories");
    } else if (PRIVATE.equals(actual.visibility) && wanted.allowsPublic) {
      narrower.add("only private repositories");
    }
    boolean publicCounts = known && !PRIVATE.equals(actual.visibility);
    if (publicCounts && actual.allowsPublic && !wanted.allowsPublic) {
      wider.add("public repositories");
    }
    if (publicCounts && !actual.allowsPublic && wanted.allowsPublic) {
      narrower.add("no public repositories");
    }
    return new Differences(wider, narrower);
  }

  /** For messages: {@code visibility selected (acme/app, acme/lib), no public repositories}. */
  String describe() {
    String repositories =
        selectsRepositories()
            ? " (" + (selected.isEmpty() ? "none" : String.join(", ", selected.values())) + ")"
            : "";
    return "visibility "
        + visibility
        + repositories
        + (allowsPublic ? ", public repositories allowed" : ", no public repositories");
  }

  private static List<String> namesNotIn(GroupAccess these, GroupAccess those) {
    return these.selected.entrySet().stream()
        .filter(e -> !those.selected.containsKey(e.getKey()))
        .map(Map.Entry::getValue)
        .toList();
  }
}
