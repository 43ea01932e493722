package io.autorunner.handler.vm;

/**
 * Where a VM landed.
 *
 * @param alreadyExisted true when an earlier attempt had created it (GCE 409)
 * @param spot whether it runs as Spot (false after the standard fallback)
 */
public record CreatedMachine(String name, String zone, boolean spot, boolean alreadyExisted) {}
