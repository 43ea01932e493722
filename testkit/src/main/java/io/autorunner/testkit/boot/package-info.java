/** How long a runner VM's life takes in the real world, on the fakes' compressed clock. */
package io.autorunner.testkit.boot;
