package io.autorunner.testkit.gce;

/**
 * How an operation failed, as GCE reports it once the operation is DONE: an {@code
 * error.errors[].code} such as {@code ZONE_RESOURCE_POOL_EXHAUSTED}, and the HTTP status it maps
 * to.
 */
record OperationError(String code, String message, int httpStatus, String httpMessage) {}
