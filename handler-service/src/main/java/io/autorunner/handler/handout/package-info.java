/**
 * A booted runner VM asks for its runner: it proves who it is with its instance identity token, and
 * gets a single-use JIT runner config once, recorded on the VM itself so that every handler
 * instance agrees it has had one.
 */
package io.autorunner.handler.handout;
