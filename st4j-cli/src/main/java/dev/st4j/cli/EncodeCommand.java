package dev.st4j.cli;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.OutputValue;
import dev.st4j.Precision;
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

    @Mixin
    EncodeFlags flags;

    @Option(names = "--precision", paramLabel = "float32|int8|uint8|binary|ubinary", defaultValue = "float32",
            description = "Quantize the embeddings (ranges from this call's embeddings, as Python's encode does).")
    String precision;

    @Option(names = "--output-value", paramLabel = "sentence_embedding|token_embeddings",
            defaultValue = "sentence_embedding",
            description = "sentence_embedding (default), or token_embeddings: one [tokens, hidden] matrix per text "
                    + "(json or jsonl, one text per line).")
    String outputValue;

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
        List<String> inputs = Inputs.texts(texts, flags.replaceInvalidUtf8);
        Format fmt = format != null ? format
                : output != null && output.toString().endsWith(".npy") ? Format.npy : Format.json;
        Precision p = Precision.fromName(precision);
        boolean tokens = OutputValue.fromName(outputValue) == OutputValue.TOKEN_EMBEDDINGS;
        if (!tokens && OutputValue.fromName(outputValue) != OutputValue.SENTENCE_EMBEDDING) {
            throw new IllegalArgumentException("--output-value must be sentence_embedding or token_embeddings");
        }
        if (tokens && (fmt == Format.npy || p != Precision.FLOAT32)) {
            throw new IllegalArgumentException("--output-value token_embeddings writes one matrix per text: use "
                    + "--format json or jsonl, and no --precision");
        }
        FloatMatrix embeddings = null;
        QuantizedEmbeddings quantized = null;
        List<FloatMatrix> perText = null;
        try (SentenceTransformer model = modelOptions.load()) {
            EncodeOptions options = flags.resolve(model, flags.options().build());
            if (tokens) {
                perText = model.encodeTokens(inputs, options);
            } else if (p == Precision.FLOAT32) {
                embeddings = model.encode(inputs, options);
            } else {
                quantized = model.encodeQuantized(inputs, options.toBuilder().precision(p).build());
            }
        }
        if (tokens) {
            List<FloatMatrix> matrices = perText;
            writeText(output, fmt, w -> writeTokenMatrices(matrices, fmt, w));
            return 0;
        }
        FloatMatrix floats = embeddings;
        QuantizedEmbeddings bytes = quantized;
        TextWriter text = w -> {
            if (bytes == null) {
                writeText(floats.rows(), floats.cols(), (r, c) -> Float.toString(floats.get(r, c)), fmt, w);
            } else {
                writeText(bytes.rows(), bytes.cols(), (r, c) -> Integer.toString(bytes.get(r, c)), fmt, w);
            }
        };
        StreamWriter writer = stream -> {
            if (fmt != Format.npy) {
                Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                text.write(w);
                w.flush();
            } else if (bytes == null) {
                NpyWriter.write(floats, stream);
            } else {
                NpyWriter.write(bytes, stream);
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

    /** Text output to standard output, or to {@code file} atomically. */
    private void writeText(Path file, Format fmt, TextWriter text) throws IOException {
        if (file == null) {
            Writer out = spec.commandLine().getOut();
            text.write(out);
            out.flush();
            return;
        }
        writeAtomically(file, stream -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            text.write(w);
            w.flush();
        });
    }

    /** One {@code [tokens][hidden]} array per text: a JSON list of them, or one per line (jsonl). */
    static void writeTokenMatrices(List<FloatMatrix> matrices, Format fmt, Writer out) throws IOException {
        if (fmt == Format.json) {
            out.write("[");
        }
        for (int i = 0; i < matrices.size(); i++) {
            if (fmt == Format.json && i > 0) {
                out.write(",\n ");
            }
            FloatMatrix m = matrices.get(i);
            out.write("[");
            for (int r = 0; r < m.rows(); r++) {
                out.write(r > 0 ? ", [" : "[");
                for (int c = 0; c < m.cols(); c++) {
                    out.write(c > 0 ? ", " : "");
                    out.write(Float.toString(m.get(r, c)));
                }
                out.write("]");
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
