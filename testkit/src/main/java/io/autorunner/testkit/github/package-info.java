/** A stateful fake of GitHub: the runner REST API the handler uses and the job dispatcher. */
package io.autorunner.testkit.github;
