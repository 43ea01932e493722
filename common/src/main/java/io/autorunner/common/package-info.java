/** The language both services speak; no Spring web, no cloud clients. */
package io.autorunner.common;
