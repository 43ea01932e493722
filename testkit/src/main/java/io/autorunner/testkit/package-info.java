/** The fakes as a program on loopback ports: {@link io.autorunner.testkit.FakeCloud}. */
package io.autorunner.testkit;
