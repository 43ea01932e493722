/** What the fakes make go wrong or slow on demand: seeded randomness, injected failures, delays. */
package io.autorunner.testkit.fault;
