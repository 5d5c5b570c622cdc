/**
 * The {@code transfer4j} command line (picocli): {@link org.transfer4j.cli.Main} and one class per
 * subcommand. Commands parse options and call into the library; they hold no engine logic.
 */
package org.transfer4j.cli;
