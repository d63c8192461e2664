package dev.st4j.internal.encoding;

import java.util.List;

/** Waiting for helper threads to end when a pool or tokenizer closes. */
final class Joins {
    private Joins() {
    }

    /**
     * Joins every thread, even if the caller is interrupted meanwhile (a close must not return while its threads
     * still run, or a thread count right after it sees them), then restores the caller's interrupt flag.
     */
    static void joinAll(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
