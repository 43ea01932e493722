/** A stateful fake of GitHub: the REST API the handler uses, the dispatcher, signed webhooks. */
package io.autorunner.testkit.github;
