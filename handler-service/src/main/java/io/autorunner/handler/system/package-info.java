/** Wiring and configuration of the handler. */
package io.autorunner.handler.system;
