/** The scheduler: a signed GitHub webhook becomes one named Cloud Task. */
package io.autorunner.scheduler;
