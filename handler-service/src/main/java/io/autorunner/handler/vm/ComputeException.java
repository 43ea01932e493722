package io.autorunner.handler.vm;

/** Why a compute call failed, typed by what Cloud Tasks should do about it. */
public abstract sealed class ComputeException extends RuntimeException
    permits ComputeException.Capacity, ComputeException.Transient, ComputeException.Permanent {

  protected ComputeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Every zone tried is out of the machine or GPU asked for: retry later. */
  public static final class Capacity extends ComputeException {
    public Capacity(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A 5xx, 429 or timeout: retry. */
  public static final class Transient extends ComputeException {
    private final boolean mayStillSucceed;

    public Transient(String message, Throwable cause) {
      this(message, cause, false);
    }

    /**
     * @param mayStillSucceed the operation was started and not seen to end (a timeout): it may yet
     *     complete, so nothing it relies on may be torn down
     */
    public Transient(String message, Throwable cause, boolean mayStillSucceed) {
      super(message, cause);
      this.mayStillSucceed = mayStillSucceed;
    }

    public boolean mayStillSucceed() {
      return mayStillSucceed;
    }
  }

  /** Retrying cannot help (a quota of 0, a request GCE rejects): refuse and say why. */
  public static final class Permanent extends ComputeException {
    public Permanent(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
