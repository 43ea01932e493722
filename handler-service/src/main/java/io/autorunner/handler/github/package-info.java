/** GitHub's runner endpoints: single-use JIT runners, lookup and removal, job status. */
package io.autorunner.handler.github;
