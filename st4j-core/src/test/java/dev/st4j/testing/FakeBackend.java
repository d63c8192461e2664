package dev.st4j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.backend.Device;
import dev.st4j.backend.TokenBatch;
import dev.st4j.backend.TransformerBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * A transformer stand-in for tests, so that token embeddings are known by hand: token id {@code t} becomes
 * {@code [(t + 1) * 1, (t + 1) * 2, ..., (t + 1) * hidden]} wherever it stands, and padded positions (beyond each
 * row's length) get {@link #PADDING_VALUE}, so that a pooling that reads padding shows it. Picked for folders with
 * a {@code fake-weights} file; {@code hidden_size} comes from config.json. It stands in for a backend that runs
 * GPUs too: it opens on any device and records where it was opened and which thread ran it there.
 */
public final class FakeBackend implements TransformerBackend {
    public static final String WEIGHTS = "fake-weights";
    public static final float PADDING_VALUE = 1000f;

    /** When set, the next forward pass counts down {@code entered} and waits for {@code release}. */
    public static volatile java.util.concurrent.CountDownLatch[] pauseNext;

    /** Every device a fake was opened on, in order. */
    public static final java.util.List<Device> OPENED = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** By thread name, the devices of the fakes that thread ran forward passes on. */
    public static final java.util.Map<String, java.util.Set<Device>> RAN_ON =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** How many fakes are open. */
    public static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();

    private final int hidden;
    private final Device device;
    private volatile boolean closed;

    FakeBackend(int hidden, Device device) {
        this.hidden = hidden;
        this.device = device;
        OPENED.add(device);
        OPEN.incrementAndGet();
    }

    /** Forgets what was recorded. */
    public static void resetRecords() {
        OPENED.clear();
        RAN_ON.clear();
    }

    /** The token embedding the fake gives token id {@code t}. */
    public static float[] embedding(long t, int hidden) {
        float[] v = new float[hidden];
        for (int k = 0; k < hidden; k++) {
            v[k] = (t + 1) * (k + 1);
        }
        return v;
    }

    @Override
    public float[] forward(TokenBatch batch) {
        if (closed) {
            throw new IllegalStateException("fake backend used after close");
        }
        RAN_ON.computeIfAbsent(Thread.currentThread().getName(), t -> java.util.concurrent.ConcurrentHashMap.newKeySet())
                .add(device);
        java.util.concurrent.CountDownLatch[] pause = pauseNext;
        if (pause != null) {
            pauseNext = null;
            pause[0].countDown();
            try {
                pause[1].await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (closed) {
                throw new IllegalStateException("fake backend closed under a running forward pass");
            }
        }
        int seq = batch.seqLength();
        float[] out = new float[batch.batchSize() * seq * hidden];
        for (int r = 0; r < batch.batchSize(); r++) {
            for (int j = 0; j < seq; j++) {
                int o = (r * seq + j) * hidden;
                if (j >= batch.lengths()[r]) {
                    java.util.Arrays.fill(out, o, o + hidden, PADDING_VALUE);
                } else {
                    System.arraycopy(embedding(batch.inputIds()[r * seq + j], hidden), 0, out, o, hidden);
                }
            }
        }
        return out;
    }

    @Override
    public int hiddenSize() {
        return hidden;
    }

    @Override
    public String describe() {
        return device.cuda() ? "fake (" + device + ")" : "fake";
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            OPEN.decrementAndGet();
        }
    }

    /** Registered in META-INF/services of the test class path. */
    public static final class Provider implements BackendProvider {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Support supports(JsonNode config, BackendOptions options) {
            return Support.YES;
        }

        /** Any device: the fake stands in for a backend that runs GPUs. */
        @Override
        public Support runsOn(Device device) {
            return Support.YES;
        }

        @Override
        public WeightFiles weightFiles(Set<String> files, BackendOptions options) {
            return files.contains(WEIGHTS) ? WeightFiles.of(WEIGHTS) : WeightFiles.none("no " + WEIGHTS + " file");
        }

        @Override
        public TransformerBackend open(Path folder, BackendOptions options) {
            try {
                int hidden = new ObjectMapper().readTree(folder.resolve("config.json").toFile()).path("hidden_size")
                        .asInt(2);
                String declared = Files.readString(folder.resolve(WEIGHTS)).trim();
                return new FakeBackend(declared.isEmpty() ? hidden : Integer.parseInt(declared), options.device());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
