/** The task endpoints: create, delete and release runners, each idempotent. */
package io.autorunner.handler.task;
