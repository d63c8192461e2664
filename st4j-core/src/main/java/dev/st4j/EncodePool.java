package dev.st4j;

import dev.st4j.internal.encoding.Device;
import dev.st4j.internal.encoding.InferenceWorkers;
import java.util.List;

/**
 * Workers for {@code encode}, as sentence-transformers' {@code start_multi_process_pool} starts them: one per device.
 * In Java the workers are threads that share the model's weights (nothing is copied per worker); each runs the
 * model's forward pass with the model's own intra-op threads ({@link LoadOptions.Builder#threads}), so a pool of
 * {@code n} CPU workers on a model loaded with {@code threads(t)} keeps {@code n * t} cores busy.
 *
 * <p>Start one with {@link SentenceTransformer#startMultiProcessPool}, pass it with
 * {@link EncodeOptions.Builder#pool}, and close it (or {@link SentenceTransformer#stopMultiProcessPool}) when done:
 * closing ends every worker thread. A pool is safe to share between threads; a worker that throws fails only the
 * call it worked for, and the pool stays usable ({@link #isUsable}).
 */
public final class EncodePool implements AutoCloseable {
    private final List<String> devices;
    private final InferenceWorkers workers;

    EncodePool(List<String> devices) {
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException(
                    "devices must name at least one device, e.g. List.of(\"cpu\", \"cpu\")");
        }
        for (String d : devices) {
            Device.parse(d).checkAvailable();
        }
        this.devices = List.copyOf(devices.stream().map(d -> Device.parse(d).toString()).toList());
        this.workers = new InferenceWorkers(devices.size(), "st4j-encode-worker");
    }

    /** One entry per worker, normalized ({@code "cpu"}, {@code "cuda:0"}). */
    public List<String> devices() {
        return devices;
    }

    /** The number of workers. */
    public int size() {
        return workers.size();
    }

    /** Whether the pool can take work: not stopped, and no worker died of an {@link Error} (e.g. out of memory). */
    public boolean isUsable() {
        return workers.isUsable();
    }

    InferenceWorkers workers() {
        if (!workers.isUsable()) {
            throw new IllegalStateException(workers.failure() == null
                    ? "this EncodePool is stopped; start a new one with startMultiProcessPool"
                    : "this EncodePool is unusable after " + workers.failure()
                            + "; stop it and start a new one with startMultiProcessPool");
        }
        return workers;
    }

    /** Stops the workers (after the batch each is running) and waits for their threads to end. */
    @Override
    public void close() {
        workers.close();
    }

    @Override
    public String toString() {
        return "EncodePool" + devices + (isUsable() ? "" : " (stopped)");
    }
}
