package dev.st4j.cli;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.OutputValue;
import dev.st4j.Precision;
import dev.st4j.QuantizedEmbeddings;
import dev.st4j.SentenceTransformer;
import dev.st4j.internal.encoding.TerminalProgressBar;
import dev.st4j.io.EmbeddingArray;
import dev.st4j.io.Npy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.FileChannel;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
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

    @Option(names = "--token-budget", paramLabel = "N",
            description = "Most real tokens per batch, on top of --batch-size (default: no limit).")
    Integer tokenBudget;

    @Option(names = "--progress", negatable = true,
            description = "Progress bar (texts/s, tokens/s) on standard error; default: on when it is a terminal.")
    Boolean progress;

    @Override
    public Integer call() throws IOException {
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
        boolean bar = progress != null ? progress : TerminalProgressBar.stderrIsTerminal();
        try (SentenceTransformer model = modelOptions.load()) {
            EncodeOptions options = flags.resolve(model, flags.options().tokenBudget(tokenBudget)
                    .showProgressBar(bar).build());
            if (p == Precision.FLOAT32 && !tokens) {
                stream(model, options, fmt);
                return 0;
            }
            List<String> inputs = Inputs.texts(texts, flags.replaceInvalidUtf8);
            if (tokens) {
                List<FloatMatrix> matrices = model.encodeTokens(inputs, options);
                writeText(output, fmt, w -> writeTokenMatrices(matrices, fmt, w));
                return 0;
            }
            quantized(model.encodeQuantized(inputs, options.toBuilder().precision(p).build()), fmt);
        }
        return 0;
    }

    /**
     * float32 sentence embeddings: texts are read, encoded and written a chunk at a time, so memory stays flat
     * whatever the input length. A file is written beside its target and renamed into place at the end (a
     * {@code .npy} header gets its row count then); on any failure, the reader's included, no file is left.
     */
    private void stream(SentenceTransformer model, EncodeOptions options, Format fmt) throws IOException {
        Iterator<String> inputs = Inputs.lines(texts, flags.replaceInvalidUtf8);
        int cols = model.encode(List.of(), options).cols(); // the width with every option applied
        if (fmt == Format.npy) {
            Path tmp = output == null ? Files.createTempFile("st4j-encode", ".npy") : null;
            try {
                // Standard output cannot be rewound to patch the header: stream into a temporary file first.
                writeAtomically(output != null ? output : tmp, tmpFile -> {
                    try (FileChannel ch = FileChannel.open(tmpFile, StandardOpenOption.WRITE)) {
                        NpyStream npy = new NpyStream(ch, cols);
                        model.encode(inputs, options, (first, rows) -> npy.append(rows));
                        npy.finish();
                    }
                });
                if (tmp != null) {
                    Files.copy(tmp, System.out);
                    System.out.flush();
                }
            } finally {
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            }
            return;
        }
        writeText(output, fmt, w -> {
            if (fmt == Format.json) {
                w.write("[");
            }
            model.encode(inputs, options, (first, rows) -> {
                for (int r = 0; r < rows.rows(); r++) {
                    if (fmt == Format.json && first + r > 0) {
                        w.write(",\n ");
                    }
                    writeRow(rows.row(r), w);
                    if (fmt == Format.jsonl) {
                        w.write("\n");
                    }
                }
            });
            if (fmt == Format.json) {
                w.write("]\n");
            }
        });
    }

    private static void writeRow(float[] row, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder(row.length * 12).append('[');
        for (int c = 0; c < row.length; c++) {
            if (c > 0) {
                sb.append(", ");
            }
            sb.append(row[c]);
        }
        out.write(sb.append(']').toString());
    }

    /** int8/uint8 ranges come from the whole call's embeddings (as Python's encode does), so they are in memory. */
    private void quantized(QuantizedEmbeddings bytes, Format fmt) throws IOException {
        if (fmt != Format.npy) {
            writeText(output, fmt, w -> writeText(bytes.rows(), bytes.cols(),
                    (r, c) -> Integer.toString(bytes.get(r, c)), fmt, w));
        } else if (output == null) {
            Npy.write(System.out, EmbeddingArray.of(bytes));
            System.out.flush();
        } else {
            writeAtomically(output, tmpFile -> {
                try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmpFile))) {
                    Npy.write(out, EmbeddingArray.of(bytes));
                }
            });
        }
    }

    /** Text output to standard output, or to {@code file} atomically. */
    private void writeText(Path file, Format fmt, TextWriter text) throws IOException {
        if (file == null) {
            Writer out = spec.commandLine().getOut();
            text.write(out);
            out.flush();
            return;
        }
        writeAtomically(file, tmpFile -> {
            try (Writer w = Files.newBufferedWriter(tmpFile, StandardCharsets.UTF_8)) {
                text.write(w);
            }
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

    interface FileWriter {
        void write(Path tmp) throws IOException;
    }

    /** Writes to a temporary file beside {@code target} and renames it into place, so no half file is left. */
    static void writeAtomically(Path target, FileWriter writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".partial");
        try {
            writer.write(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
