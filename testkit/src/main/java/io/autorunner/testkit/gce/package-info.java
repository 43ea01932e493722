/** A stateful fake of the Compute Engine REST API subset the handler's InstancesClient uses. */
package io.autorunner.testkit.gce;
