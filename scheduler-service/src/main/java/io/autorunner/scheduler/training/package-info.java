/** The build-time training run that fills the image's JVM AOT cache. */
package io.autorunner.scheduler.training;
