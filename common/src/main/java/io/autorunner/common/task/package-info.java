/** The payloads the scheduler enqueues and the handler executes, with their deterministic ids. */
package io.autorunner.common.task;
