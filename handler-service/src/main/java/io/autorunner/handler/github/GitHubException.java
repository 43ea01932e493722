package io.autorunner.handler.github;

/** Why a GitHub call failed, typed by what Cloud Tasks should do about it. */
public abstract sealed class GitHubException extends RuntimeException
    permits GitHubException.Transient, GitHubException.Permanent {

  protected GitHubException(String message, Throwable cause) {
    super(message, cause);
  }

  /** 5xx, 429, a secondary rate limit or a timeout: retry. */
  public static final class Transient extends GitHubException {
    public Transient(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Retrying cannot help: refuse and say why. */
  public static final class Permanent extends GitHubException {
    public Permanent(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
