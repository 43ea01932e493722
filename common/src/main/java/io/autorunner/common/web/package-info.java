/**
 * The one piece of the servlet web both services share: the request's trace in the MDC. The only
 * package of common that may use the servlet API (an ArchUnit rule says so).
 */
package io.autorunner.common.web;
