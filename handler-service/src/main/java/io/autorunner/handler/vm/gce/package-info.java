/**
 * The Compute Engine adapter of the compute port: instances built purely ({@code InstanceFactory}),
 * inserted over REST ({@code ComputeEngineMachines}), or written to files instead ({@code
 * DryRunMachines}, the local default, which builds the very same insert).
 */
package io.autorunner.handler.vm.gce;
