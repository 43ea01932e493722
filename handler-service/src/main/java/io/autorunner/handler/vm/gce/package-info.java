/** The Compute Engine adapter of the compute port: instances built purely, inserted over REST. */
package io.autorunner.handler.vm.gce;
