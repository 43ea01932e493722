/**
 * The handler's wiring: the configuration classes that build every part from its settings. Nothing
 * outside this package depends on it; each feature's settings record lives with the feature.
 */
package io.autorunner.handler.system;
