/**
 * What a {@code workflow_job} delivery means for autorunner: a pure function of event and rules.
 */
package io.autorunner.common.routing;
