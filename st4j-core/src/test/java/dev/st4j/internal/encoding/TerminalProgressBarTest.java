package dev.st4j.internal.encoding;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalProgressBarTest {
    @Test
    void drawsCountsRatesAndTheTimeLeft() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalProgressBar bar = new TerminalProgressBar(1000, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        bar.progress(400, 12_000, 1000);
        bar.progress(1000, 30_000, 1000);
        bar.done();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("1000/1000 texts"), out);
        assertTrue(out.contains("texts/s"), out);
        assertTrue(out.contains("tokens/s"), out);
        assertTrue(out.contains("100%"), out);
    }

    @Test
    void theLaunchersWordDecidesWhetherStderrIsATerminal() {
        String saved = System.getProperty("st4j.stderr.terminal");
        try {
            System.setProperty("st4j.stderr.terminal", "false");
            assertFalse(TerminalProgressBar.stderrIsTerminal());
            assertNull(TerminalProgressBar.onStderrIfTerminal(10), "no bar when stderr is not a terminal");
            System.setProperty("st4j.stderr.terminal", "true");
            assertTrue(TerminalProgressBar.stderrIsTerminal());
        } finally {
            if (saved == null) {
                System.clearProperty("st4j.stderr.terminal");
            } else {
                System.setProperty("st4j.stderr.terminal", saved);
            }
        }
    }
}
