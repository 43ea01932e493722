/** GitHub's {@code workflow_job} webhook event, as much of it as autorunner reads. */
package io.autorunner.common.event;
