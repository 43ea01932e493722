/**
 * The Compute Engine adapter of the compute port: instances built purely ({@code InstanceFactory}),
 * placed zone by zone ({@code ZonePlacement}), waited for ({@code OperationWaiter}), read back
 * ({@code InstanceReader}), failures typed in one place ({@code GceFailure}), all behind {@code
 * ComputeEngineMachines}; or written to files instead ({@code DryRunMachines}, the local default,
 * which builds the very same insert).
 */
package io.autorunner.handler.vm.gce;
