/**
 * Logs Cloud Logging reads: the JSON line formatter, the request's trace, and the names of the
 * fields the log-based metrics count.
 */
package io.autorunner.common.logging;
