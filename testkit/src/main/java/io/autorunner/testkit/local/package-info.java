/** The whole system on one machine: both services as processes, wired to the fakes. */
package io.autorunner.testkit.local;
