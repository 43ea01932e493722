/** The task queue port and its adapters: Cloud Tasks, and an in-process local queue. */
package io.autorunner.scheduler.queue;
