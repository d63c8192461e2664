package dev.st4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.st4j.EncodeOptions;
import dev.st4j.EncodePool;
import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CUDA devices on the ONNX backend. This class path has ONNX Runtime's CPU build, so asking it for CUDA is the
 * real error path. Where a GPU session is needed, a recording {@link CudaSessions} stands in for the GPU build
 * (there is no GPU here): it receives the session options and the GPU number st4j would give {@code addCUDA},
 * and leaves the session on the CPU, so the rows are still ONNX Runtime's, checked by hand (the graph's token
 * embedding is a table row, {@link OnnxExportsTest#table}).
 */
class CudaDevicesTest {
    @TempDir
    Path dir;

    /** GPU numbers the stand-in was asked to put a session on, in order. */
    final List<Integer> placed = new CopyOnWriteArrayList<>();

    @AfterEach
    void realOnnxRuntime() {
        OnnxBackendProvider.cuda = CudaSessions.ONNX_RUNTIME;
    }

    /** Stands in for the GPU build with {@code gpus} GPUs. */
    void pretendGpus(int gpus) {
        OnnxBackendProvider.cuda = new CudaSessions() {
            @Override
            public boolean available() {
                return true;
            }

            @Override
            public void place(OrtSession.SessionOptions options, int device) throws OrtException {
                if (device >= gpus) {
                    throw new OrtException("CUDA failure 101: invalid device ordinal");
                }
                placed.add(device);
            }
        };
    }

    Path model() throws IOException {
        Path m = OnnxExportsTest.modelFolder(dir.resolve("m"), "bert");
        TinyGraphs.Spec.lookup(OnnxExportsTest.table(4)).writeTo(m.resolve("onnx/model.onnx"));
        return m;
    }

    static List<String> encodeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("st4j-encode")).toList();
    }

    @Test
    void theCpuBuildOfOnnxRuntimeHasNoCudaAndTheErrorNamesTheArtifactThatBringsIt() throws IOException {
        assertFalse(CudaSessions.ONNX_RUNTIME.available(), "ONNX Runtime's CPU build reports no CUDA provider");
        Path m = model();
        UnsupportedModelException load = assertThrows(UnsupportedModelException.class,
                () -> SentenceTransformer.load(m, LoadOptions.builder().device("cuda").build()));
        assertTrue(load.getMessage().contains("cuda:0") && load.getMessage().contains(Device.CUDA_ARTIFACT + ":1.")
                && load.getMessage().contains("in place of com.microsoft.onnxruntime:onnxruntime"), load.getMessage());
        try (SentenceTransformer model = SentenceTransformer.load(m)) {
            IllegalArgumentException pool = assertThrows(IllegalArgumentException.class,
                    () -> model.startMultiProcessPool(List.of("cpu", "cuda:1")));
            assertTrue(pool.getMessage().startsWith("devices: 'cuda:1'")
                    && pool.getMessage().contains(Device.CUDA_ARTIFACT), pool.getMessage());
            IllegalArgumentException temporary = assertThrows(IllegalArgumentException.class,
                    () -> model.encode(List.of("hello"), EncodeOptions.builder().devices("cuda").build()));
            assertTrue(temporary.getMessage().contains(Device.CUDA_ARTIFACT), temporary.getMessage());
        }
        assertEquals(List.of(), encodeThreads(), "a pool that failed to start leaves no thread");
    }

    @Test
    void aModelLoadedOnAGpuHasItsSessionPutOnThatGpu() throws IOException {
        pretendGpus(4);
        try (SentenceTransformer model = SentenceTransformer.load(model(),
                LoadOptions.builder().device("cuda:2").build())) {
            assertEquals(List.of(2), placed, "addCUDA(2), once");
            assertTrue(model.describeBackend().contains("cuda:2"), model.describeBackend());
            assertArrayEquals(OnnxExportsTest.mean(OnnxExportsTest.HELLO_WORLD, 4), model.encode("hello world"),
                    1e-5f);
        }
    }

    @Test
    void aMixedPoolOpensOneSessionPerGpuAndKeepsRowsInOrder() throws IOException {
        pretendGpus(2);
        String[] words = {"hello", "world", "the", "sun", "rain", "river"};
        Random random = new Random(3);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder(words[random.nextInt(words.length)]);
            for (int w = random.nextInt(20); w > 0; w--) {
                sb.append(' ').append(words[random.nextInt(words.length)]);
            }
            texts.add(sb.toString());
        }
        try (SentenceTransformer model = SentenceTransformer.load(model())) {
            assertEquals(List.of(), placed, "a CPU model opens no GPU session");
            FloatMatrix single = model.encode(texts);
            assertArrayEquals(OnnxExportsTest.mean(OnnxExportsTest.HELLO, 4), model.encode("hello"), 1e-5f);
            try (EncodePool pool = model.startMultiProcessPool(List.of("cpu", "cuda:0", "cuda:1", "cuda:1"))) {
                assertEquals(List.of(0, 1), placed, "one session per GPU, put on its GPU");
                FloatMatrix pooled = model.encode(texts,
                        EncodeOptions.builder().pool(pool).batchSize(4).chunkSize(7).build());
                assertEquals(texts.size(), pooled.rows());
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(single.row(i), pooled.row(i), 1e-6f, "row " + i);
                }
            }
            // A GPU ONNX Runtime cannot open is the caller's device argument, with ONNX Runtime's reason.
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.startMultiProcessPool(List.of("cuda:0", "cuda:7")));
            assertTrue(e.getMessage().startsWith("devices: 'cuda:7'") && e.getMessage().contains("invalid device "
                    + "ordinal") && e.getMessage().contains("GPU 7"), e.getMessage());
        }
        assertEquals(List.of(), encodeThreads());
    }
}
