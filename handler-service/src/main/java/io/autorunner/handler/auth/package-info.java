/** Who may call the task endpoints: the Cloud Tasks invoker's Google ID token, checked per mode. */
package io.autorunner.handler.auth;
