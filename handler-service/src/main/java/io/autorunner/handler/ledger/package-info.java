/** The replacement ledger: state every handler instance shares and a restart keeps. */
package io.autorunner.handler.ledger;
