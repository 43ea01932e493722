/** The dry-run adapter of the compute port: writes what it would create, creates nothing. */
package io.autorunner.handler.vm.dryrun;
