/** The command line: picocli commands that parse arguments and wire the daemon's stages together. */
package io.accountsync.cli;
