package dev.st4j.internal.encoding;

import dev.st4j.ProgressListener;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.text.DecimalFormat;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The {@code showProgressBar} bar on standard error: texts done (of how many, when known), texts/s, tokens/s and
 * the time left when the size is known. Drawn only when standard error is a terminal.
 */
public final class TerminalProgressBar implements ProgressListener {
    private final ProgressBar bar;
    private final long start = System.nanoTime();

    /** A bar drawn on {@code out}; {@code total} < 0 when unknown (no ETA then). */
    TerminalProgressBar(long total, PrintStream out) {
        int width = 100;
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.matches("\\d{2,4}")) {
            width = Integer.parseInt(columns);
        }
        // A fixed width keeps the library from probing the terminal (which would load a terminal library).
        this.bar = new ProgressBarBuilder().setTaskName("Encoding").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" texts", 1).showSpeed(new DecimalFormat("#,##0"))
                .setConsumer(new ConsoleProgressBarConsumer(out, width)).setUpdateIntervalMillis(500)
                .build();
    }

    /** A bar on standard error when it is a terminal, else null. */
    public static ProgressListener onStderrIfTerminal(long total) {
        return stderrIsTerminal() ? new TerminalProgressBar(total, System.err) : null;
    }

    /**
     * Whether standard error is a terminal. The {@code st4j} launcher knows and says so in
     * {@code -Dst4j.stderr.terminal}; otherwise the JVM's console is the best guess Java offers.
     */
    public static boolean stderrIsTerminal() {
        String told = System.getProperty("st4j.stderr.terminal");
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = java.io.Console.class.getMethod("isTerminal"); // Java 22+
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // Java 21: a console exists only when attached to a terminal
        }
    }

    @Override
    public void progress(long texts, long tokens, long total) {
        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        bar.stepTo(texts);
        bar.setExtraMessage(String.format(Locale.ROOT, ", %,.0f tokens/s", tokens / seconds));
    }

    @Override
    public void done() {
        bar.close();
    }
}
