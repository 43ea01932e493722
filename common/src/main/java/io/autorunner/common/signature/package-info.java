/** GitHub's webhook HMAC signature, the scheduler's only lock. */
package io.autorunner.common.signature;
