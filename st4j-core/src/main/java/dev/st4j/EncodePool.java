package dev.st4j;

import dev.st4j.backend.Device;
import dev.st4j.internal.encoding.BatchPipeline;
import dev.st4j.internal.encoding.InferenceWorkers;
import dev.st4j.internal.pipeline.InputModule;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Workers for {@code encode}, as sentence-transformers' {@code start_multi_process_pool} starts them: one per device.
 * In Java the workers are threads that share the model's weights (nothing is copied per worker); each runs the
 * model's forward pass with the model's own intra-op threads ({@link LoadOptions.Builder#threads}), so a pool of
 * {@code n} CPU workers on a model loaded with {@code threads(t)} keeps {@code n * t} cores busy.
 *
 * <p>A worker on another device than the model's ({@code "cuda:1"} for a model loaded on the CPU) runs the
 * transformer in a session of its own on that device, opened when the pool starts (for the model that started it)
 * or on the first batch (for another model) and closed with the pool; tokenizer and the modules after the
 * transformer stay shared. Workers on the same device share one session.
 *
 * <p>Start one with {@link SentenceTransformer#startMultiProcessPool}, pass it with
 * {@link EncodeOptions.Builder#pool}, and close it (or {@link SentenceTransformer#stopMultiProcessPool}) when done:
 * closing ends every worker thread. A pool is safe to share between threads; a worker that throws fails only the
 * call it worked for, and the pool stays usable ({@link #isUsable}).
 */
public final class EncodePool implements AutoCloseable {
    private final List<Device> devices;
    private final List<String> names;
    private final InferenceWorkers workers;
    /** Per device, each model input module's copy on it (the module itself where it runs there already). */
    private final Map<Device, Map<InputModule, InputModule>> copies = new LinkedHashMap<>();
    private boolean closed;

    /**
     * @param devices the caller's device strings, one per worker
     * @param inputs the input modules of the model that starts the pool, opened on each device now so that a
     *     device no backend runs fails here, not on the first batch
     */
    EncodePool(List<String> devices, List<InputModule> inputs) {
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException(
                    "devices must name at least one device, e.g. List.of(\"cpu\", \"cpu\")");
        }
        List<Device> parsed = new ArrayList<>();
        for (String d : devices) {
            parsed.add(Device.parse(d, "devices"));
        }
        this.devices = List.copyOf(parsed);
        this.names = this.devices.stream().map(Device::toString).toList();
        for (Device d : new LinkedHashSet<>(this.devices)) {
            for (InputModule input : inputs) {
                try {
                    copyOn(d, input);
                } catch (RuntimeException e) {
                    closeCopies();
                    throw new IllegalArgumentException("devices: '" + d + "': " + e.getMessage(), e);
                }
            }
        }
        this.workers = new InferenceWorkers(devices.size(), "st4j-encode-worker");
    }

    /** One entry per worker, normalized ({@code "cpu"}, {@code "cuda:0"}). */
    public List<String> devices() {
        return names;
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

    /** Worker {@code i} runs the input module's copy on {@code devices().get(i)}. */
    BatchPipeline.Placement placement() {
        return (worker, plan) -> plan.withInput(copyOn(devices.get(worker), plan.input()));
    }

    /** The copy of {@code input} on {@code device}, opened on first use. Cheap once open: a lookup under a lock. */
    private synchronized InputModule copyOn(Device device, InputModule input) {
        if (closed) {
            throw new IllegalStateException("this EncodePool is stopped; start a new one with startMultiProcessPool");
        }
        Map<InputModule, InputModule> there = copies.computeIfAbsent(device, d -> new IdentityHashMap<>());
        InputModule copy = there.get(input);
        if (copy == null) {
            copy = input.onDevice(device);
            there.put(input, copy);
        }
        return copy;
    }

    private synchronized void closeCopies() {
        closed = true;
        for (Map<InputModule, InputModule> there : copies.values()) {
            there.forEach((own, copy) -> {
                if (copy != own) {
                    copy.close();
                }
            });
        }
        copies.clear();
    }

    /**
     * Stops the workers (after the batch each is running), waits for their threads to end, and closes the sessions
     * the pool opened on its devices.
     */
    @Override
    public void close() {
        workers.close();
        closeCopies();
    }

    @Override
    public String toString() {
        return "EncodePool" + names + (isUsable() ? "" : " (stopped)");
    }
}
