/**
 * What the handler instances share in Firestore in Datastore mode: the replacement ledger (one
 * entity per job, written in transactions), the capacity notes and the stock-outs seen lately, and
 * the job VMs being made; each read by key.
 */
package io.autorunner.handler.ledger.datastore;
