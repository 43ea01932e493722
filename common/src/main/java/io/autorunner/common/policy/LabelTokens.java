package io.autorunner.common.policy;

import io.autorunner.common.event.UntrustedText;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A job's labels read by the label grammar: every label within it, no label twice, each {@code
 * key=value} of a known key and given once, and the bare words that ask for something ({@code gpu},
 * a machine type, {@code windows}) picked out. Any other grammatical label is a plain runner label:
 * the runner registers with it, and nothing here reads it. Values are lower case.
 */
final class LabelTokens {

  /** No whitespace, quotes, {@code $}, {@code ;}, slashes or other shell metacharacters. */
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._=-]*");

  private static final Set<String> ARM_LABELS = Set.of("arm64", "arm", "aarch64");

  /** How much of a label outside the grammar a refusal shows. */
  private static final int ECHO = 40;

  /** The keys of {@code key=value} labels. */
  enum Key {
    BIND,
    GPU,
    MACHINE,
    DISK,
    IMAGE,
    ZONE,
    SPOT;

    private final String label = name().toLowerCase(Locale.ROOT);

    static Optional<Key> of(String label) {
      return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst();
    }

    static List<String> known() {
      return Arrays.stream(values()).map(k -> k.label).sorted().toList();
    }
  }

  /** A label as a refusal names it, and the value it gives. */
  record Token(String label, String value) {}

  private final OperatingSystem os;
  private final Map<Key, String> keyed = new EnumMap<>(Key.class);
  private boolean bareGpu;
  private String bareMachine;

  private LabelTokens(OperatingSystem os) {
    this.os = os;
  }

  /** Reads every label, or refuses at the first that breaks the grammar. */
  static LabelTokens read(List<String> labels, int maxLabelLength) {
    LabelTokens tokens = new LabelTokens(OperatingSystem.of(labels));
    Set<String> seen = new HashSet<>();
    for (String label : labels) {
      checkGrammar(label, maxLabelLength);
      String lower = label.toLowerCase(Locale.ROOT);
      if (!seen.add(lower)) {
        throw new Refusal("label \"" + label + "\" is given twice");
      }
      if (lower.indexOf('=') >= 0) {
        tokens.readKeyed(label, lower);
      } else {
        tokens.readWord(label, lower);
      }
    }
    tokens.checkContradictions(labels);
    return tokens;
  }

  OperatingSystem os() {
    return os;
  }

  /** True for a bare {@code gpu}: some GPU, of the default type unless the machine brings one. */
  boolean bareGpu() {
    return bareGpu;
  }

  Optional<Token> get(Key key) {
    return Optional.ofNullable(keyed.get(key)).map(v -> new Token(key.label + "=" + v, v));
  }

  /** The machine type a bare label or {@code machine=} names. */
  Optional<Token> machine() {
    return bareMachine != null
        ? Optional.of(new Token(bareMachine, bareMachine))
        : get(Key.MACHINE);
  }

  /** {@code spot=true} or {@code spot=false}; empty when the job leaves it to the operator. */
  Optional<Boolean> spot() {
    return get(Key.SPOT)
        .map(
            spot ->
                switch (spot.value()) {
                  case "true" -> true;
                  case "false" -> false;
                  default ->
                      throw new Refusal(
                          "label \"" + spot.label() + "\" must be spot=true or spot=false");
                });
  }

  /** True for a label within the grammar's characters. */
  static boolean grammatical(String label) {
    return LABEL.matcher(label).matches();
  }

  private static void checkGrammar(String label, int maxLabelLength) {
    if (label.length() > maxLabelLength) {
      throw new Refusal(
          "label \""
              + echo(label)
              + "\" is "
              + label.length()
              + " characters long; at most "
              + maxLabelLength
              + " are accepted");
    }
    if (!grammatical(label)) {
      throw new Refusal(
          "label \""
              + echo(label)
              + "\" has characters outside letters, digits, '.', '_', '=' and '-'");
    }
  }

  /** A label outside the grammar, as a refusal may show it. */
  private static String echo(String label) {
    return UntrustedText.printable(label, UntrustedText.Alphabet.LABEL, ECHO);
  }

  private void readKeyed(String label, String lower) {
    int eq = lower.indexOf('=');
    Key key =
        Key.of(lower.substring(0, eq))
            .orElseThrow(
                () ->
                    new Refusal(
                        "label \""
                            + label
                            + "\" has an unknown key; known keys are "
                            + Key.known()));
    String value = lower.substring(eq + 1);
    if (value.isEmpty()) {
      throw new Refusal("label \"" + label + "\" has no value");
    }
    if (keyed.put(key, value) != null) {
      throw new Refusal("label key \"" + key.label + "\" is given twice");
    }
  }

  private void readWord(String label, String lower) {
    if (lower.equals("gpu")) {
      bareGpu = true;
    } else if (ARM_LABELS.contains(lower)) {
      throw new Refusal("label \"" + label + "\": Arm runners are not offered, only x64");
    } else if (MachineFamilies.claimsMachineType(lower)) {
      if (bareMachine != null) {
        throw new Refusal(
            "labels \"" + bareMachine + "\" and \"" + label + "\" both name a machine type");
      }
      bareMachine = lower;
    }
  }

  private void checkContradictions(List<String> labels) {
    if (os == OperatingSystem.WINDOWS && OperatingSystem.LINUX.isNamedIn(labels)) {
      throw new Refusal("labels \"windows\" and \"linux\" contradict each other");
    }
    if (bareGpu && keyed.containsKey(Key.GPU)) {
      throw new Refusal("labels \"gpu\" and \"gpu=" + keyed.get(Key.GPU) + "\" are both given");
    }
    if (bareMachine != null && keyed.containsKey(Key.MACHINE)) {
      throw new Refusal(
          "labels \""
              + bareMachine
              + "\" and \"machine="
              + keyed.get(Key.MACHINE)
              + "\" both name a machine type");
    }
  }
}
