/** The safety net: find what runs, find what should, delete (or create) the difference. */
package io.autorunner.handler.reconcile;
