package io.autorunner.testkit.http;

/** Thrown by a handler for a request it cannot read; answered 400 by the route's error shape. */
public final class BadRequest extends RuntimeException {
  public BadRequest(String message) {
    super(message);
  }
}
