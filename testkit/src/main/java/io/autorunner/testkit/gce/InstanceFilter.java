package io.autorunner.testkit.gce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The part of Compute Engine's list filter grammar the handler uses: terms joined by {@code AND}
 * (or by blanks between parenthesised terms), each {@code field = value}, {@code field != value},
 * {@code field eq regex}, {@code field ne regex} or {@code field:*} (has). Fields are {@code name},
 * {@code status}, {@code zone}, {@code labels.KEY}, or any dotted JSON path. {@code OR} is refused
 * with 400, as a grammar this fake does not know should fail loudly rather than match everything.
 */
final class InstanceFilter {

  private static final Pattern TERM =
      Pattern.compile("\\s*([A-Za-z][A-Za-z0-9_.\\-]*)\\s*(=|!=|:|\\beq\\b|\\bne\\b)\\s*(.+?)\\s*");
  private static final Pattern AND =
      Pattern.compile("\\s+AND\\s+|\\)\\s+\\(", Pattern.CASE_INSENSITIVE);

  private record Term(String field, String op, String value) {}

  private final List<Term> terms;

  private InstanceFilter(List<Term> terms) {
    this.terms = terms;
  }

  static InstanceFilter parse(String filter) {
    List<Term> terms = new ArrayList<>();
    if (filter == null || filter.isBlank()) {
      return new InstanceFilter(terms);
    }
    if (Pattern.compile("\\bOR\\b").matcher(filter).find()) {
      throw new IllegalArgumentException("OR is not supported by the fake");
    }
    for (String part : AND.split(filter.trim())) {
      String text = part.trim();
      while (text.startsWith("(")) {
        text = text.substring(1).trim();
      }
      while (text.endsWith(")")) {
        text = text.substring(0, text.length() - 1).trim();
      }
      Matcher m = TERM.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException("cannot read filter term: " + part);
      }
      String value = m.group(3);
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1).replace("\\\"", "\"");
      }
      terms.add(new Term(m.group(1), m.group(2).toLowerCase(Locale.ROOT), value));
    }
    return new InstanceFilter(List.copyOf(terms));
  }

  boolean matches(JsonNode instance) {
    for (Term term : terms) {
      String actual = value(instance, term.field());
      boolean ok =
          switch (term.op()) {
            case "=" -> term.value().equals(actual);
            case "!=" -> !term.value().equals(actual);
            case "eq" -> actual != null && actual.matches(term.value());
            case "ne" -> actual == null || !actual.matches(term.value());
            case ":" ->
                actual != null && ("*".equals(term.value()) || actual.contains(term.value()));
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String value(JsonNode instance, String field) {
    if (field.startsWith("labels.")) {
      JsonNode label = instance.path("labels").path(field.substring("labels.".length()));
      return label.isMissingNode() || label.isNull() ? null : label.asString();
    }
    JsonNode node = instance;
    for (String segment : field.split("\\.")) {
      node = node.path(segment);
    }
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    String text = node.asString();
    // zone and machineType are URLs on the wire, but filters may name them by last segment.
    if (("zone".equals(field) || "machineType".equals(field)) && text.contains("/")) {
      return text.substring(text.lastIndexOf('/') + 1);
    }
    return text;
  }
}
