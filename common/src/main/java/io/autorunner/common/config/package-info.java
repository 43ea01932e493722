/** Start-up shared by both services: a bad configuration stops them with one clear line. */
package io.autorunner.common.config;
