package dev.st4j.cli;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.Precision;
import dev.st4j.QuantizedEmbeddings;
import dev.st4j.SentenceTransformer;
import dev.st4j.encoding.TerminalProgressBar;
import dev.st4j.io.EmbeddingArray;
import dev.st4j.io.Npy;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
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
        boolean bar = progress != null ? progress : TerminalProgressBar.stderrIsTerminal();
        EncodeOptions options = EncodeOptions.builder().batchSize(batchSize).normalizeEmbeddings(normalize)
                .prompt(prompt).promptName(promptName).truncateDim(truncateDim).tokenBudget(tokenBudget)
                .showProgressBar(bar).build();
        Precision p = Precision.fromName(precision);
        try (SentenceTransformer model = modelOptions.load()) {
            if (p == Precision.FLOAT32) {
                stream(model, options, fmt);
            } else {
                quantized(model, options, p, fmt);
            }
        }
        return 0;
    }

    /**
     * float32: texts are read, encoded and written a chunk at a time, so memory stays flat whatever the input
     * length. A file is written beside its target and renamed into place at the end (a {@code .npy} header gets its
     * row count then); on any failure, the reader's included, no file is left.
     */
    private void stream(SentenceTransformer model, EncodeOptions options, Format fmt) throws IOException {
        Iterator<String> inputs = Inputs.lines(texts);
        int cols = model.encode(List.of(), options).cols(); // the width with every option applied
        if (fmt == Format.npy) {
            Path file = output;
            Path tmp = null;
            if (file == null) {
                // Standard output cannot be rewound to patch the header: stream into a temporary file first.
                tmp = Files.createTempFile("st4j-encode", ".npy");
                file = tmp;
            }
            try {
                writeAtomically(file, tmpFile -> {
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
        if (output == null) {
            Writer out = spec.commandLine().getOut();
            encodeText(model, options, inputs, fmt, out);
            out.flush();
            return;
        }
        writeAtomically(output, tmpFile -> {
            try (Writer w = Files.newBufferedWriter(tmpFile, StandardCharsets.UTF_8)) {
                encodeText(model, options, inputs, fmt, w);
            }
        });
    }

    private static void encodeText(SentenceTransformer model, EncodeOptions options, Iterator<String> inputs,
            Format fmt, Writer out) throws IOException {
        if (fmt == Format.json) {
            out.write("[");
        }
        model.encode(inputs, options, (first, rows) -> {
            for (int r = 0; r < rows.rows(); r++) {
                if (fmt == Format.json && first + r > 0) {
                    out.write(",\n ");
                }
                writeRow(rows.row(r), out);
                if (fmt == Format.jsonl) {
                    out.write("\n");
                }
            }
        });
        if (fmt == Format.json) {
            out.write("]\n");
        }
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

    /** int8/uint8 ranges come from the whole call's embeddings (as Python's encode does), so they are kept in memory. */
    private void quantized(SentenceTransformer model, EncodeOptions options, Precision p, Format fmt)
            throws IOException {
        List<String> inputs = Inputs.texts(texts);
        QuantizedEmbeddings quantized = model.encodeQuantized(inputs, options.toBuilder().precision(p).build());
        TextWriter text = w -> writeText(quantized.rows(), quantized.cols(),
                (r, c) -> Integer.toString(quantized.get(r, c)), fmt, w);
        if (output == null) {
            if (fmt == Format.npy) {
                Npy.write(System.out, EmbeddingArray.of(quantized));
                System.out.flush();
            } else {
                Writer out = spec.commandLine().getOut();
                text.write(out);
                out.flush();
            }
            return;
        }
        writeAtomically(output, tmpFile -> {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmpFile))) {
                if (fmt == Format.npy) {
                    Npy.write(out, EmbeddingArray.of(quantized));
                } else {
                    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                    text.write(w);
                    w.flush();
                }
            }
        });
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
