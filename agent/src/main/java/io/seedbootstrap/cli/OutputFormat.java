package io.seedbootstrap.cli;

/** How results are printed on stdout. */
public enum OutputFormat { TEXT, YAML, JSON }
