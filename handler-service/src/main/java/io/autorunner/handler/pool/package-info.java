/**
 * Warm pools: idle single-use runners of a shape kept ready during time windows, so that a job
 * whose labels they carry starts within seconds. The model and its settings, and the port for the
 * job VMs being made that a refill waits for ({@link io.autorunner.handler.pool.PendingCreates});
 * the top-up that makes and retires pool VMs lives with the other VM flows in {@code task}.
 */
package io.autorunner.handler.pool;
