package io.seedbootstrap.pki.ca;

/** A server certificate the site issuing CA must provide for a host name from the inventory. */
public record LeafRequest(LeafPurpose purpose, String hostname) {}
