package io.autorunner.testkit.datastore;

import com.google.rpc.Code;
import com.google.rpc.Status;

/**
 * A call the fake refuses, answered as the real service does: the HTTP status of the canonical code
 * and a {@code google.rpc.Status} protobuf body, which the client reads for the code.
 */
final class RpcFailure extends RuntimeException {

  private final Code code;

  RpcFailure(Code code, String message) {
    super(message);
    this.code = code;
  }

  Code code() {
    return code;
  }

  Status status() {
    return Status.newBuilder().setCode(code.getNumber()).setMessage(getMessage()).build();
  }

  /** The HTTP status Google's APIs answer for a canonical code. */
  int httpStatus() {
    return switch (code) {
      case OK -> 200;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      default -> 500;
    };
  }

  static RpcFailure contention() {
    // The real service's words for an optimistic transaction that lost.
    return new RpcFailure(
        Code.ABORTED, "too much contention on these datastore entities. please try again.");
  }

  static RpcFailure unavailable() {
    return new RpcFailure(Code.UNAVAILABLE, "The service is currently unavailable.");
  }

  static RpcFailure invalid(String message) {
    return new RpcFailure(Code.INVALID_ARGUMENT, message);
  }
}
