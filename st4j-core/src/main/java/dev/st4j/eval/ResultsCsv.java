package dev.st4j.eval;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Appends result rows to an evaluator's CSV as Python does: header on creation, numbers as Python prints them. */
final class ResultsCsv {
    private ResultsCsv() {}

    static void append(Path folder, String fileName, List<String> header, List<Double> values) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(fileName);
        boolean exists = Files.isRegularFile(file);
        StringBuilder sb = new StringBuilder();
        if (!exists) {
            sb.append(String.join(",", header)).append('\n');
        }
        sb.append("-1,-1"); // epoch and steps: Python's values outside training
        for (double v : values) {
            sb.append(',').append(python(v));
        }
        sb.append('\n');
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(sb.toString());
        }
    }

    /** Python's {@code repr(float)}: the shortest digits that round-trip, {@code 1e-05} style outside 1e-4..1e16. */
    static String python(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e16) {
            String plain = d.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (v < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + String.format("%02d", Math.abs(exponent));
    }
}
