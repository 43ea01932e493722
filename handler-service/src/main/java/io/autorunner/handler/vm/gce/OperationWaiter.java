package io.autorunner.handler.vm.gce;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.longrunning.OperationSnapshot;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Operation;
import io.autorunner.handler.vm.ComputeException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a zone operation (an insert or a delete) up to the configured timeout, and says how it
 * ended. What cannot be read as a GCE failure (a timeout, a watch that broke after GCE accepted the
 * request) is thrown as transient and may still succeed: whoever retries must look before acting.
 */
final class OperationWaiter {

  private final Duration timeout;

  OperationWaiter(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Waits for the operation; empty when it succeeded, else how it failed. Errors are read from the
   * finished operation when there is one (its codes say what the exception's status hides), else
   * from the exception.
   *
   * @param what the call, for messages ({@code insert ghr-1-1})
   * @throws ComputeException.Transient when the outcome cannot be known yet
   */
  Optional<GceFailure> await(OperationFuture<Operation, Operation> future, String what) {
    try {
      future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of(failureOf(future, e, what));
    } catch (TimeoutException e) {
      future.cancel(false);
      // The operation may still finish: the retry finds the VM by name instead of inserting again.
      throw new ComputeException.Transient(what + " did not finish within " + timeout, e, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeException.Transient(what + " was interrupted", e, true);
    }
  }

  private static GceFailure failureOf(
      OperationFuture<Operation, Operation> future, ExecutionException e, String what) {
    Optional<Operation> finished = finishedWithError(future);
    if (finished.isPresent()) {
      return GceFailure.of(finished.get());
    }
    if (accepted(future)) {
      // GCE took the request and only watching it failed: the operation may still complete.
      throw new ComputeException.Transient(
          what + " was accepted, then its operation could not be read: " + e.getCause(),
          e.getCause(),
          true);
    }
    if (e.getCause() instanceof ApiException api) {
      return GceFailure.of(api);
    }
    throw new ComputeException.Transient(what + " failed: " + e.getCause(), e.getCause(), true);
  }

  /** True when GCE answered the request itself with an operation: it runs, whatever came after. */
  private static boolean accepted(OperationFuture<Operation, Operation> f) {
    if (!f.getInitialFuture().isDone()) {
      return false;
    }
    try {
      f.getInitialFuture().get();
      return true;
    } catch (ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Optional<Operation> finishedWithError(OperationFuture<Operation, Operation> f) {
    if (!f.getPollingFuture().isDone()) {
      return Optional.empty();
    }
    try {
      OperationSnapshot snapshot = f.getPollingFuture().get();
      if (snapshot.getResponse() instanceof Operation operation
          && operation.hasError()
          && operation.getError().getErrorsCount() > 0) {
        return Optional.of(operation);
      }
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
