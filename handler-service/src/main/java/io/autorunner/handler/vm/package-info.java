/** The compute port: what the handler needs of VMs, whatever runs them. */
package io.autorunner.handler.vm;
