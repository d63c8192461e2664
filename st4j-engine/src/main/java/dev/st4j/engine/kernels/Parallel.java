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
 * microseconds on a virtual machine) would cost a few percent: workers spin briefly after a job, then park until
 * the next job unparks them (no timed polling, so an idle model costs no CPU). One job runs at a time; a caller
 * that finds the workers busy (another thread's forward pass) runs its tasks itself, so concurrent callers are
 * safe and never wait on each other. {@link #close} ends the workers and waits for them to exit.
 */
public final class Parallel implements AutoCloseable {
    /** How long an idle worker spins before parking. */
    private static final long SPIN_NANOS = 200_000;

    /** Worker threads are named {@code st4j-engine-<pool>-<n>}. */
    public static final String THREAD_PREFIX = "st4j-engine-";
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;
    private volatile boolean closed;
    /**
     * Free scratch objects by type. Array deques under a lock rather than concurrent queues: a concurrent queue
     * allocates a node per offer, and a forward pass borrows a few dozen times per layer.
     */
    private final java.util.Map<Class<?>, java.util.ArrayDeque<Object>> scratch =
            new java.util.concurrent.ConcurrentHashMap<>();

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
        int pool = POOLS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Thread(this::work, THREAD_PREFIX + pool + "-" + (i + 1));
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * A scratch object for the calling task, from this pool's free list (or new); hand it back with
     * {@link #giveBack} when the task ends. Kept here rather than in thread-locals so that a model's scratch goes
     * with its threads at {@link #close}, instead of staying in every caller's thread.
     */
    public <T> T borrow(Class<T> type, java.util.function.Supplier<T> create) {
        java.util.ArrayDeque<Object> free = freeList(type);
        Object o;
        synchronized (free) {
            o = free.poll();
        }
        return o != null ? type.cast(o) : create.get();
    }

    /** Returns what {@link #borrow} handed out, for later tasks to reuse. */
    public void giveBack(Object o) {
        if (!closed) {
            java.util.ArrayDeque<Object> free = freeList(o.getClass());
            synchronized (free) {
                free.push(o);
            }
        }
    }

    private java.util.ArrayDeque<Object> freeList(Class<?> type) {
        return scratch.computeIfAbsent(type, t -> new java.util.ArrayDeque<>());
    }

    /** Runs {@code body.accept(i)} for every {@code i < tasks}, spread over the threads; returns when all are done. */
    public void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        Job j = new Job(tasks, body);
        if (workers.length == 0 || closed || tasks == 1 || !busy.compareAndSet(false, true)) {
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
        while (true) {
            Job j;
            long deadline = System.nanoTime() + SPIN_NANOS;
            while ((j = job) == null || j == last) {
                if (closed) {
                    return;
                }
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    // Untimed: forEach and close unpark. An unpark that comes between the check above and this
                    // call leaves a permit, so park returns at once and the loop sees the new job.
                    LockSupport.park(this);
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

    /** Ends the workers and waits until they have exited; tasks submitted later run on the caller. */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        scratch.clear();
        boolean interrupted = false;
        for (Thread w : workers) {
            while (w.isAlive() && w != Thread.currentThread()) {
                try {
                    w.join();
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
