/** What a VM's life costs, priced from a configured price table. */
package io.autorunner.handler.cost;
