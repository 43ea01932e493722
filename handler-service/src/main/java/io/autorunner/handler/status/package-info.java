/** The status page: what runs, waits and ran out now, read from GCE and GitHub. */
package io.autorunner.handler.status;
