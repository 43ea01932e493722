/** {@code POST /webhook}: verify, parse, route, enqueue; one status per outcome. */
package io.autorunner.scheduler.webhook;
