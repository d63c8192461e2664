package dev.st4j.cli;

import dev.st4j.St4jException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code st4j}: sentence embeddings from the command line. */
@Command(
        name = "st4j",
        mixinStandardHelpOptions = true,
        version = "st4j 0.1.0",
        description = "Sentence Transformers for Java: encode texts and compare them, offline.",
        subcommands = {EncodeCommand.class, SimilarityCommand.class, InfoCommand.class, DownloadCommand.class,
            SaveCommand.class,
            SearchCommand.class,
            MineCommand.class,
            ClusterCommand.class,
            EvaluateCommand.class,
            ServeCommand.class,
            CommandLine.HelpCommand.class})
public final class St4jCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code (used by tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new St4jCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof St4jException || e instanceof IllegalArgumentException) {
                String message = e instanceof St4jException st4j ? st4j.message(ModelOptions::asFlag) : e.getMessage();
                commandLine.getErr().println("st4j: " + message);
                return e instanceof IllegalArgumentException ? 2 : 1;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
