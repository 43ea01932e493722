/** Deterministic names for VMs, runners and tasks, derived from the job. */
package io.autorunner.common.naming;
