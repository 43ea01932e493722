/** Renders the VM startup scripts from the templates under bootstrap/. */
package io.autorunner.handler.bootstrap;
