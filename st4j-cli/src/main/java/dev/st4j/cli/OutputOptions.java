package dev.st4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --format table|json} and the command's output writer, for the commands that print results. */
final class OutputOptions {
    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
            description = "Output format (default table).")
    OutputFormat format;

    /** The command this mixin is part of (its writers are the ones tests and callers capture). */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    boolean json() {
        return format == OutputFormat.json;
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    PrintWriter err() {
        return command.commandLine().getErr();
    }

    /** Prints {@code value} as indented JSON. */
    void printJson(Object value) {
        OutputFormat.printJson(out(), value);
    }
}
