/**
 * The replacement ledger in Firestore in Datastore mode: one entity per job, written in
 * transactions.
 */
package io.autorunner.handler.ledger.datastore;
