/** The loopback JSON server both fakes are built on. */
package io.autorunner.testkit.http;
