package dev.st4j.engine.rotary;

import dev.st4j.engine.kernels.Parallel;
import java.util.function.IntConsumer;

/** Row-wise steps (norms, activations, residuals) split over threads in chunks that amortise the hand-off. */
public final class Rows {
    private static final int ROWS_PER_TASK = 16;

    private Rows() {}

    public static void forEach(Parallel parallel, int rows, IntConsumer row) {
        parallel.forEach((rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK, task -> {
            int end = Math.min(rows, (task + 1) * ROWS_PER_TASK);
            for (int r = task * ROWS_PER_TASK; r < end; r++) {
                row.accept(r);
            }
        });
    }
}
