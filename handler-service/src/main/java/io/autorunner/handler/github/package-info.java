/**
 * GitHub: runners, their verified runner groups, the App's installations and webhook log, and the
 * App or token credentials that reach them, all over one counted, conditional HTTP helper.
 */
package io.autorunner.handler.github;
