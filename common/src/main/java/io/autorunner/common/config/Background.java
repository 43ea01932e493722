package io.autorunner.common.config;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Start-up work run on its own daemon thread beside the Spring context and waited for later, with
 * its failure rethrown as it was thrown (so a failure still stops the start-up with its own
 * message).
 *
 * @param <T> what the work produces
 */
public final class Background<T> {

  private final CompletableFuture<T> result;

  private Background(CompletableFuture<T> result) {
    this.result = result;
  }

  /** Starts {@code work} now on a daemon thread named {@code name}. */
  public static <T> Background<T> start(String name, Supplier<T> work) {
    return new Background<>(
        CompletableFuture.supplyAsync(
            work,
            task -> {
              Thread thread = new Thread(task, name);
              thread.setDaemon(true);
              thread.start();
            }));
  }

  /** Work that is already done. */
  public static <T> Background<T> done(T value) {
    return new Background<>(CompletableFuture.completedFuture(value));
  }

  /** Waits for the work; rethrows its failure unwrapped. */
  public T join() {
    try {
      return result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Runs {@code action} on the value once the work succeeds (now, if it has). */
  public void whenDone(Consumer<T> action) {
    result.thenAccept(action);
  }
}
