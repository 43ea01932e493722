/** GitHub's runner endpoints, and the App or token credentials that reach them. */
package io.autorunner.handler.github;
