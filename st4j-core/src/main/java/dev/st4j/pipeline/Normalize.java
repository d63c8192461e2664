package dev.st4j.pipeline;

import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.ModuleType;
import java.nio.file.Path;
import java.util.List;

/** L2-normalizes each sentence embedding: {@code x / max(||x||, 1e-12)}, as torch's {@code F.normalize}. */
public final class Normalize implements Module {
    /** No files: a missing folder or config is fine (Python's v6 {@code config.json} only repeats the defaults). */
    public static final ModuleType TYPE = new ModuleType("Normalize", List.of(), List.of("config.json"),
            c -> new Normalize());

    /** A Normalize module, as Python's {@code Normalize()}. */
    public Normalize() {}

    /** Python before v6 saves an empty folder; v6 reads that too. */
    @Override
    public void save(Path dir) {}

    @Override
    public void forward(Features f) {
        normalizeRows(f.sentenceEmbeddings(), f.sentenceDim());
    }

    /** Normalizes every row of a row-major matrix of width {@code dim}, in place. */
    public static void normalizeRows(float[] values, int dim) {
        if (dim == 0) {
            return;
        }
        for (int off = 0; off < values.length; off += dim) {
            double sum = 0;
            for (int k = 0; k < dim; k++) {
                sum += (double) values[off + k] * values[off + k];
            }
            double scale = 1.0 / Math.max(Math.sqrt(sum), 1e-12);
            for (int k = 0; k < dim; k++) {
                values[off + k] = (float) (values[off + k] * scale);
            }
        }
    }

    @Override
    public String typeName() {
        return "Normalize";
    }
}
