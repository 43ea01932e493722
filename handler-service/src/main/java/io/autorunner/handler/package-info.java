/** The handler: tasks become VMs with single-use runners, and VMs are deleted after. */
package io.autorunner.handler;
