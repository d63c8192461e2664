package dev.st4j.cli;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.Precision;
import dev.st4j.Quantization;
import dev.st4j.QuantizedEmbeddings;
import dev.st4j.SentenceTransformer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code st4j encode}: texts in, embeddings out as JSON, JSON lines or a numpy {@code .npy} file. */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Encode texts (arguments, else one per line on standard input) into embeddings.")
final class EncodeCommand implements Callable<Integer> {
    enum Format { json, jsonl, npy }

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Texts per batch (default 32).")
    int batchSize;

    @Option(names = "--normalize", description = "L2-normalize the embeddings.")
    boolean normalize;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "Text prepended to every input.")
    String prompt;

    @Option(names = "--prompt-name", paramLabel = "NAME", description = "One of the model's prompts, e.g. query.")
    String promptName;

    @Option(names = "--truncate-dim", paramLabel = "N", description = "Keep only the first N dimensions.")
    Integer truncateDim;

    @Option(names = "--precision", paramLabel = "float32|int8|uint8|binary|ubinary", defaultValue = "float32",
            description = "Quantize the embeddings (ranges from this call's embeddings, as Python's encode does).")
    String precision;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write to FILE (written whole or not at all) instead of standard output.")
    Path output;

    @Option(names = {"-f", "--format"}, paramLabel = "json|jsonl|npy",
            description = "Output format (default: npy when FILE ends in .npy, else json).")
    Format format;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to encode.")
    List<String> texts;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> inputs = Inputs.texts(texts);
        Format fmt = format != null ? format
                : output != null && output.toString().endsWith(".npy") ? Format.npy : Format.json;
        EncodeOptions options = EncodeOptions.builder().batchSize(batchSize).normalizeEmbeddings(normalize)
                .prompt(prompt).promptName(promptName).truncateDim(truncateDim).build();
        Precision p = Precision.fromName(precision);
        FloatMatrix embeddings;
        try (SentenceTransformer model = modelOptions.load()) {
            embeddings = model.encode(inputs, options);
        }
        QuantizedEmbeddings quantized = p == Precision.FLOAT32 ? null : Quantization.quantize(embeddings, p);
        TextWriter text = w -> {
            if (quantized == null) {
                writeText(embeddings.rows(), embeddings.cols(), (r, c) -> Float.toString(embeddings.get(r, c)), fmt, w);
            } else {
                writeText(quantized.rows(), quantized.cols(), (r, c) -> Integer.toString(quantized.get(r, c)), fmt, w);
            }
        };
        StreamWriter writer = stream -> {
            if (fmt != Format.npy) {
                Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                text.write(w);
                w.flush();
            } else if (quantized == null) {
                NpyWriter.write(embeddings, stream);
            } else {
                NpyWriter.write(quantized, stream);
            }
        };
        if (output == null) {
            if (fmt == Format.npy) {
                writer.write(System.out);
                System.out.flush();
            } else {
                Writer out = spec.commandLine().getOut();
                text.write(out);
                out.flush();
            }
            return 0;
        }
        writeAtomically(output, writer);
        return 0;
    }

    interface TextWriter {
        void write(Writer out) throws IOException;
    }

    interface Cell {
        String at(int row, int col);
    }

    static void writeText(int rows, int cols, Cell cell, Format fmt, Writer out) throws IOException {
        if (fmt == Format.json) {
            out.write("[");
        }
        for (int r = 0; r < rows; r++) {
            if (fmt == Format.json && r > 0) {
                out.write(",\n ");
            }
            out.write("[");
            for (int c = 0; c < cols; c++) {
                if (c > 0) {
                    out.write(", ");
                }
                out.write(cell.at(r, c));
            }
            out.write("]");
            if (fmt == Format.jsonl) {
                out.write("\n");
            }
        }
        if (fmt == Format.json) {
            out.write("]\n");
        }
    }

    interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Writes to a temporary file beside {@code target} and renames it into place, so no half file is left. */
    static void writeAtomically(Path target, StreamWriter writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".partial");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp))) {
                writer.write(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
