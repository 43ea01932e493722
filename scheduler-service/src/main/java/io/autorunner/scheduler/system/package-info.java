/** Wiring and configuration of the scheduler. */
package io.autorunner.scheduler.system;
