package dev.st4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Every task runs exactly once, failures reach the caller, and concurrent callers do not interfere. */
class ParallelTest {

    @Test
    void everyTaskRunsOnceAcrossManyJobs() {
        try (Parallel p = new Parallel(3)) {
            for (int job = 0; job < 2000; job++) {
                int tasks = job % 37;
                AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, tasks));
                p.forEach(tasks, seen::incrementAndGet);
                for (int i = 0; i < tasks; i++) {
                    assertEquals(1, seen.get(i), "job " + job + " task " + i);
                }
            }
        }
    }

    @Test
    void aFailingTaskFailsTheCall() {
        try (Parallel p = new Parallel(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.forEach(50, i -> {
                if (i == 17) {
                    throw new IllegalStateException("task 17");
                }
            }));
            assertEquals("task 17", e.getMessage());
            AtomicIntegerArray seen = new AtomicIntegerArray(10);
            p.forEach(10, seen::incrementAndGet);
            assertEquals(10, java.util.stream.IntStream.range(0, 10).map(seen::get).sum());
        }
    }

    @Test
    void concurrentCallersEachGetAllTheirTasks() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (Parallel p = new Parallel(2)) {
            java.util.List<Future<Integer>> results = new java.util.ArrayList<>();
            for (int c = 0; c < 4; c++) {
                results.add(callers.submit(() -> {
                    int total = 0;
                    for (int job = 0; job < 500; job++) {
                        AtomicIntegerArray seen = new AtomicIntegerArray(20);
                        p.forEach(20, seen::incrementAndGet);
                        for (int i = 0; i < 20; i++) {
                            total += seen.get(i);
                        }
                    }
                    return total;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(500 * 20, f.get());
            }
        } finally {
            callers.shutdown();
        }
    }

    static List<Thread> workersOf(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).toList();
    }

    @Test
    void idleWorkersParkWithoutPollingAndCloseEndsThem() throws InterruptedException {
        Parallel p = new Parallel(3);
        p.forEach(100, i -> { });
        String prefix = poolPrefix();
        List<Thread> workers = workersOf(prefix);
        assertEquals(2, workers.size(), prefix);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (Thread w : workers) {
            // Parked without a timeout: WAITING, not TIMED_WAITING (which a polling park would show).
            while (w.getState() != Thread.State.WAITING) {
                Thread.sleep(5);
            }
        }
        long[] waits = workers.stream().mapToLong(w -> mx.getThreadInfo(w.threadId()).getWaitedCount()).toArray();
        Thread.sleep(300);
        long[] later = workers.stream().mapToLong(w -> mx.getThreadInfo(w.threadId()).getWaitedCount()).toArray();
        // A worker polling every millisecond would have parked again some 300 times by now. A few wake-ups are
        // allowed: park may return spuriously, and the unpark that ended the last task can land after the park.
        for (int i = 0; i < waits.length; i++) {
            long woke = later[i] - waits[i];
            assertTrue(woke < 10, "idle worker " + i + " woke " + woke + " times in 300 ms");
        }

        AtomicIntegerArray seen = new AtomicIntegerArray(50);
        p.forEach(50, seen::incrementAndGet);
        assertEquals(50, java.util.stream.IntStream.range(0, 50).map(seen::get).sum(), "parked workers wake");
        p.close();
        assertEquals(List.of(), workersOf(prefix), "no engine thread remains after close");
        AtomicIntegerArray after = new AtomicIntegerArray(5);
        p.forEach(5, after::incrementAndGet);
        assertEquals(5, java.util.stream.IntStream.range(0, 5).map(after::get).sum(), "runs on the caller");
    }

    /** The name prefix of the pool created last (pools are numbered in creation order). */
    private static String poolPrefix() {
        int newest = workersOf(Parallel.THREAD_PREFIX).stream()
                .mapToInt(t -> Integer.parseInt(t.getName().substring(Parallel.THREAD_PREFIX.length()).split("-")[0]))
                .max().orElseThrow();
        return Parallel.THREAD_PREFIX + newest + "-";
    }
}
