/** The replacement ledger port: replacement VMs per job, shared by all handler instances. */
package io.autorunner.handler.ledger;
