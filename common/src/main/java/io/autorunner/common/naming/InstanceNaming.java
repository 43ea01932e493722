package io.autorunner.common.naming;

import io.autorunner.common.policy.OperatingSystem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * VM names derived from the job: the same job and attempt always give the same name, so a repeated
 * task cannot make a second VM (GCE answers 409). Linux names are {@code prefix-jobid-attempt} (RFC
 * 1035, at most 63 characters); Windows names must fit NetBIOS' 15 characters, so they use the
 * first four characters of the prefix and base 36, with a dash before the attempt after the first
 * (job 36 attempt 2 would otherwise be {@code ghrw102}, the name of job 1298). A warm pool's VMs,
 * made for no job, are {@code prefix-p-pool-n}.
 */
public final class InstanceNaming {

  private static final int MAX_LINUX = 63;
  private static final int MAX_WINDOWS = 15;
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,9}");

  private final String prefix;
  private final String windowsPrefix;
  private final Pattern ours;

  public InstanceNaming(String prefix) {
    if (!isPrefix(prefix)) {
      throw new IllegalArgumentException(
          "a name prefix must be 1-10 lower-case letters or digits, starting with a letter");
    }
    this.prefix = prefix;
    this.windowsPrefix = prefix.substring(0, Math.min(4, prefix.length()));
    this.ours =
        Pattern.compile(
            Pattern.quote(prefix)
                + "-[0-9]{1,20}-[0-9]{1,5}(?:-r[0-9]{1,2})?|(?=[-0-9a-z]{1,"
                + MAX_WINDOWS
                + "}$)"
                + Pattern.quote(windowsPrefix)
                + "w[0-9a-z]+(?:-[0-9a-z]+)?|"
                + Pattern.quote(prefix)
                + "-p-[a-z][a-z0-9]{0,11}-[1-9][0-9]{0,4}");
  }

  /** True for 1-10 lower-case letters or digits, starting with a letter: fits both name forms. */
  static boolean isPrefix(String prefix) {
    return prefix != null && PREFIX.matcher(prefix).matches();
  }

  public String prefix() {
    return prefix;
  }

  /** The VM (and runner) name for a job's attempt. */
  public String instanceName(long jobId, int runAttempt, OperatingSystem os) {
    if (jobId <= 0 || runAttempt <= 0) {
      throw new IllegalArgumentException("job id and run attempt must be positive");
    }
    if (os == OperatingSystem.WINDOWS) {
      String name =
          windowsPrefix
              + "w"
              + Long.toString(jobId, 36)
              + (runAttempt > 1 ? "-" + Integer.toString(runAttempt, 36) : "");
      if (name.length() > MAX_WINDOWS) {
        // Job ids past 36^8 do not fit: use a stable digest, still unique in practice.
        name = windowsPrefix + "w" + digest36(jobId + "-" + runAttempt, MAX_WINDOWS - 5);
      }
      return name;
    }
    String name = prefix + "-" + jobId + "-" + runAttempt;
    if (name.length() > MAX_LINUX) {
      throw new IllegalArgumentException("instance name too long: " + name);
    }
    return name;
  }

  /**
   * The name of a warm pool's {@code n}-th place: pool VMs are numbered, so two top-ups that count
   * the same gap pick the same name, and GCE lets only one of them have it.
   */
  public String poolInstanceName(String pool, int n) {
    String name = prefix + "-p-" + pool + "-" + n;
    if (n < 1 || n > 99_999 || !isOurs(name)) {
      throw new IllegalArgumentException("no pool VM " + n + " for pool " + pool);
    }
    return name;
  }

  /**
   * The name of the {@code n}-th replacement VM for a job whose first VM's runner was taken by
   * another job: distinct from the original and from other replacements, and still ours.
   */
  public String replacementName(String original, int n) {
    if (!isOurs(original) || n < 1 || n > 99) {
      throw new IllegalArgumentException("no replacement " + n + " for " + original);
    }
    if (original.startsWith(prefix + "-")) {
      return original + "-r" + n;
    }
    return windowsPrefix
        + "w"
        + digest36(original + "-r" + n, MAX_WINDOWS - windowsPrefix.length() - 1);
  }

  /**
   * The job a Linux-form name ({@code prefix-JOB-ATTEMPT[-rN]}) was made for; empty for other names
   * (Windows names are digests and say nothing).
   */
  public java.util.OptionalLong jobIdOf(String name) {
    if (name == null || !name.startsWith(prefix + "-")) {
      return java.util.OptionalLong.empty();
    }
    java.util.regex.Matcher m =
        Pattern.compile("([1-9][0-9]{0,18})-[1-9][0-9]{0,9}(?:-r[1-9][0-9]?)?")
            .matcher(name.substring(prefix.length() + 1));
    if (!m.matches()) {
      return java.util.OptionalLong.empty();
    }
    try {
      return java.util.OptionalLong.of(Long.parseLong(m.group(1)));
    } catch (NumberFormatException e) {
      return java.util.OptionalLong.empty();
    }
  }

  /** True when a runner or VM name is one autorunner made (with this prefix). */
  public boolean isOurs(String name) {
    return name != null && ours.matcher(name).matches();
  }

  private static String digest36(String text, int length) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      String base36 = new java.math.BigInteger(1, hash).toString(36);
      return base36.substring(0, length);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
