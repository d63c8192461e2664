package dev.st4j.engine.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of threads for one backend: {@code threads - 1} workers plus the calling thread, which pull task
 * indices from a shared counter so uneven tasks balance themselves.
 *
 * <p>A forward pass hands out some forty small jobs in a row, so waking a parked thread for each (tens of
 * microseconds on a virtual machine) would cost a few percent: workers spin briefly after a job before they park.
 * One job runs at a time; a caller that finds the workers busy (another thread's forward pass) runs its tasks
 * itself, so concurrent callers are safe and never wait on each other.
 */
public final class Parallel implements AutoCloseable {
    /** How long an idle worker spins before parking. */
    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;
    private volatile boolean closed;

    /** One call of {@link #forEach}: the tasks, the next index to take, and how many have finished. */
    private static final class Job {
        final int tasks;
        final IntConsumer body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int tasks, IntConsumer body) {
            this.tasks = tasks;
            this.body = body;
        }

        void drain() {
            for (int i; failure.get() == null && (i = next.getAndIncrement()) < tasks; ) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        /** Stops handing out tasks and returns how many were taken. */
        int close() {
            return Math.min(tasks, next.getAndAdd(tasks));
        }
    }

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Thread(this::work, "st4j-engine-" + (i + 1));
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body.accept(i)} for every {@code i < tasks}, spread over the threads; returns when all are done. */
    public void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        Job j = new Job(tasks, body);
        if (workers.length == 0 || tasks == 1 || !busy.compareAndSet(false, true)) {
            j.drain();
            rethrow(j.failure.get());
            return;
        }
        try {
            job = j;
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            j.drain();
            // Wait only for tasks already taken: a worker still waking up finds nothing left and moves on.
            int taken = j.close();
            while (j.done.get() < taken) {
                Thread.onSpinWait();
            }
        } finally {
            job = null;
            busy.set(false);
        }
        rethrow(j.failure.get());
    }

    private void work() {
        Job last = null;
        while (!closed) {
            Job j = job;
            if (j == null || j == last) {
                long deadline = System.nanoTime() + SPIN_NANOS;
                while ((j = job) == null || j == last) {
                    if (closed) {
                        return;
                    }
                    if (System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(this, 1_000_000);
                    }
                }
            }
            last = j;
            j.drain();
        }
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
