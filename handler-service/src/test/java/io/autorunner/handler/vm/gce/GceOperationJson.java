package io.autorunner.handler.vm.gce;

/** Compute Engine's zone operations as its REST API answers them, for the WireMock stubs. */
final class GceOperationJson {

  private GceOperationJson() {}

  /** An insert's operation in {@code zone} of the test project, targeting {@code instance}. */
  static String operation(String zone, String name, String status, String instance) {
    String zoneUrl = "https://www.googleapis.com/compute/v1/projects/my-project/zones/" + zone;
    return """
        {"kind": "compute#operation", "id": "1234", "name": "%s", "zone": "%s",
         "operationType": "insert", "status": "%s", "progress": 0,
         "targetLink": "%s/instances/%s", "selfLink": "%s/operations/%s"}"""
        .formatted(name, zoneUrl, status, zoneUrl, instance, zoneUrl, name);
  }

  /** The same operation DONE with an error, as GCE reports a failed insert (e.g. a stock-out). */
  static String failed(
      String zone, String name, String instance, int http, String code, String message) {
    String done = operation(zone, name, "DONE", instance);
    return done.substring(0, done.length() - 1)
        + ", \"httpErrorStatusCode\": "
        + http
        + ", \"httpErrorMessage\": \"ERROR\", \"error\": {\"errors\": [{\"code\": \""
        + code
        + "\", \"message\": \""
        + message
        + "\"}]}}";
  }
}
