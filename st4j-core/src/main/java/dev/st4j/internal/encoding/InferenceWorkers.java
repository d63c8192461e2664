package dev.st4j.internal.encoding;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A fixed set of threads that run inference tasks from one shared queue. The threads hold no model of their own:
 * every task carries the read-only pipeline it runs, so workers share one copy of the weights. Tasks report their
 * own failures to the call that submitted them; a worker keeps serving after a task fails, unless the failure is
 * an {@link Error} (out of memory, say), which marks the workers unusable.
 */
public final class InferenceWorkers implements AutoCloseable {
    /** Work for a worker. A task that is dropped because the workers stop is told so, so its caller never hangs. */
    public interface Task {
        /** Runs on worker {@code worker} (0-based, in start order: a pool's worker {@code i} is its device {@code i}). */
        void run(int worker);

        void abandon(IllegalStateException why);
    }

    private static final Task STOP = new Task() {
        @Override
        public void run(int worker) {}

        @Override
        public void abandon(IllegalStateException why) {}
    };

    private final List<Thread> threads = new ArrayList<>();
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private volatile Throwable broken;

    /**
     * Starts {@code count} daemon threads named {@code name-1 .. name-count}.
     */
    public InferenceWorkers(int count, String name) {
        if (count <= 0) {
            throw new IllegalArgumentException("worker count must be positive, got " + count);
        }
        for (int i = 0; i < count; i++) {
            int worker = i;
            Thread t = new Thread(() -> work(worker), name + "-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    public int size() {
        return threads.size();
    }

    /** Whether tasks can still be submitted: not closed and no worker died of an {@link Error}. */
    public boolean isUsable() {
        return !closed && broken == null;
    }

    /** Why the workers are unusable, or null. */
    public Throwable failure() {
        return broken;
    }

    /** Queues a task; it must catch and report its own exceptions. */
    public void submit(Task task) {
        if (closed) {
            throw new IllegalStateException("the encode pool is stopped; start a new one with startMultiProcessPool");
        }
        if (broken != null) {
            throw new IllegalStateException("the encode pool is unusable after " + broken
                    + "; stop it and start a new one with startMultiProcessPool", broken);
        }
        queue.add(task);
        if (closed && queue.remove(task)) {
            task.abandon(new IllegalStateException("the encode pool was stopped while this call ran"));
        }
    }

    private void work(int worker) {
        while (true) {
            Task task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task == STOP) {
                return;
            }
            try {
                task.run(worker);
            } catch (Error e) {
                broken = e;
            } catch (RuntimeException e) {
                // The task reports its own failures; one that escapes must not kill the worker.
            }
        }
    }

    /** Stops the threads after the task each is running (queued tasks are dropped) and waits for them to end. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Task> dropped = new ArrayList<>();
        queue.drainTo(dropped);
        IllegalStateException why = new IllegalStateException("the encode pool was stopped while this call ran");
        dropped.forEach(t -> t.abandon(why));
        threads.forEach(t -> queue.add(STOP));
        Joins.joinAll(threads);
    }
}
