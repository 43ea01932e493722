/** The label language: a job's {@code runs-on} labels become a runner spec, or a refusal. */
package io.autorunner.common.policy;
