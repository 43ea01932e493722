package io.autorunner.testkit.gce;

import io.autorunner.testkit.fault.Faults;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The filter before every API route: counts the request, and answers 503 {@code backendError} to
 * those the faults pick. The fake's control endpoints pass uncounted.
 */
final class RequestFaults {

  private final Faults faults;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger injected = new AtomicInteger();

  RequestFaults(Faults faults) {
    this.faults = faults;
  }

  /** The injected failure, or empty to let the request through. */
  Optional<Response> filter(Request request) {
    if (request.path().startsWith(FakeComputeEngine.CONTROL + "/")) {
      return Optional.empty();
    }
    requests.incrementAndGet();
    if (!faults.requestFails()) {
      return Optional.empty();
    }
    injected.incrementAndGet();
    return Optional.of(
        GceFormat.error(503, "backendError", "The service is currently unavailable."));
  }

  int requests() {
    return requests.get();
  }

  int injected() {
    return injected.get();
  }
}
