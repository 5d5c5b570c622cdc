package org.transfer4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.transfer4j.backend.cpu.CpuParallel;
import picocli.CommandLine;

/** {@code transfer4j --version}: the project version (written into {@code version.properties} by Maven) and the runtime. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "transfer4j " + projectVersion(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                    + System.getProperty("os.arch") + ")",
            "CPU backend: " + CpuParallel.threads() + " threads"
        };
    }

    static String projectVersion() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("/org/transfer4j/cli/version.properties")) {
            if (in == null) {
                return "(unknown version: version.properties is missing)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "(unknown version)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
