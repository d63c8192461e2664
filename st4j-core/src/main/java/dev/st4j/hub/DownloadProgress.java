package dev.st4j.hub;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * A one-line progress display on stderr for a file download, redrawn at most five times a second; silent when
 * there is no console (logs, CI) or the file is small.
 */
final class DownloadProgress implements LongConsumer, AutoCloseable {
    private static final long MIN_SIZE = 1 << 20;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final String name;
    private final long total;
    private final PrintStream out;
    private long lastDraw;
    private boolean drawn;

    private DownloadProgress(String name, long total, PrintStream out) {
        this.name = name;
        this.total = total;
        this.out = out;
    }

    static DownloadProgress start(String name, long total, boolean show) {
        return new DownloadProgress(name, total, show && (total < 0 || total >= MIN_SIZE) ? System.err : null);
    }

    @Override
    public void accept(long bytes) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - lastDraw < REDRAW_NANOS && bytes != total) {
            return;
        }
        lastDraw = now;
        drawn = true;
        String amount = total > 0
                ? String.format(Locale.ROOT, "%5.1f%% %,.1f/%,.1f MB", 100.0 * bytes / total, bytes / 1e6, total / 1e6)
                : String.format(Locale.ROOT, "%,.1f MB", bytes / 1e6);
        out.print("\rDownloading " + name + ": " + amount + "   ");
        out.flush();
    }

    @Override
    public void close() {
        if (out != null && drawn) {
            out.println();
        }
    }
}
