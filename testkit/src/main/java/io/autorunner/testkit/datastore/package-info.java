/** A fake Firestore in Datastore mode on loopback, speaking the v1 protobuf-over-HTTP API. */
package io.autorunner.testkit.datastore;
