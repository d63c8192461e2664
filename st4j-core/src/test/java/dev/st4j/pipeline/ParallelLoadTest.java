package dev.st4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The tokenizer loads beside the network: results, failures and clean-up as when the two loaded in turn. */
class ParallelLoadTest {
    @Test
    void theValueLoadsOnAnotherThread() {
        AtomicReference<Thread> loader = new AtomicReference<>();
        ParallelLoad<String> load = ParallelLoad.start("test-load", () -> {
            loader.set(Thread.currentThread());
            return "tokenizer";
        });
        assertEquals("tokenizer", load.join(() -> { throw new AssertionError("nothing failed"); }));
        assertNotEquals(Thread.currentThread(), loader.get());
        assertEquals("test-load", loader.get().getName());
    }

    @Test
    void itsFailureIsRethrownAsItWasAndTheCallersPartIsClosed() {
        IllegalStateException broken = new IllegalStateException("tokenizer.json is broken");
        ParallelLoad<String> load = ParallelLoad.start("test-load", () -> { throw broken; });
        List<String> closed = new ArrayList<>();
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> load.join(() -> closed.add("backend")));
        assertSame(broken, thrown);
        assertEquals(List.of("backend"), closed);
    }

    @Test
    void whenBothFailItsFailureComesFirstWithTheCallersSuppressed() {
        IllegalStateException tokenizer = new IllegalStateException("tokenizer.json is broken");
        IllegalArgumentException backend = new IllegalArgumentException("unsupported architecture");
        ParallelLoad<String> load = ParallelLoad.start("test-load", () -> { throw tokenizer; });
        Throwable thrown = assertThrows(RuntimeException.class,
                () -> load.rethrowFirst(v -> { throw new AssertionError("nothing loaded to close"); }, backend));
        assertSame(tokenizer, thrown);
        assertSame(backend, thrown.getSuppressed()[0]);
    }

    @Test
    void whenOnlyTheCallerFailsTheLoadedPartIsClosedAndTheCallersFailureThrown() {
        IllegalArgumentException backend = new IllegalArgumentException("unsupported architecture");
        ParallelLoad<String> load = ParallelLoad.start("test-load", () -> "tokenizer");
        List<String> closed = new ArrayList<>();
        Throwable thrown = assertThrows(IllegalArgumentException.class, () -> load.rethrowFirst(closed::add, backend));
        assertSame(backend, thrown);
        assertEquals(List.of("tokenizer"), closed);
        assertTrue(thrown.getSuppressed().length == 0);
    }
}
