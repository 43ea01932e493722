/** One-off setup commands run from the handler's jar: the GitHub App from its manifest. */
package io.autorunner.handler.setup;
