package dev.st4j.cli;

import dev.st4j.St4jException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code st4j}: sentence embeddings from the command line. */
@Command(
        name = "st4j",
        mixinStandardHelpOptions = true,
        version = "st4j 0.1.0",
        description = "Sentence Transformers for Java: encode texts and compare them, offline.")
public final class St4jCommand implements Runnable {
    /**
     * The subcommands, in the order the usage lists them. Picocli reflects over a command's options when it is
     * added, which for all of them costs about 0.4 s of CPU at start-up (more than loading the tokenizer), so a
     * command line that names its subcommand first gets only that one; any other gets them all (usage, help,
     * "did you mean" suggestions).
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("encode", EncodeCommand::new);
        SUBCOMMANDS.put("similarity", SimilarityCommand::new);
        SUBCOMMANDS.put("info", InfoCommand::new);
        SUBCOMMANDS.put("download", DownloadCommand::new);
        SUBCOMMANDS.put("save", SaveCommand::new);
        SUBCOMMANDS.put("search", SearchCommand::new);
        SUBCOMMANDS.put("mine", MineCommand::new);
        SUBCOMMANDS.put("cluster", ClusterCommand::new);
        SUBCOMMANDS.put("evaluate", EvaluateCommand::new);
        SUBCOMMANDS.put("serve", ServeCommand::new);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand::new);
    }

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
        String named = args.length > 0 && !args[0].equals("help") && SUBCOMMANDS.containsKey(args[0]) ? args[0] : null;
        SUBCOMMANDS.forEach((name, command) -> {
            if (named == null || named.equals(name)) {
                cli.addSubcommand(name, command.get());
            }
        });
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
