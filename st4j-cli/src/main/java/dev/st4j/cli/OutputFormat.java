package dev.st4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/** {@code --format table|json}: aligned columns for people, JSON for programs. */
enum OutputFormat {
    table,
    json;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** A text cut to {@code width} characters on one line, for table cells. */
    static String cell(String text, int width) {
        String t = text.replaceAll("\\s+", " ").strip();
        return t.length() <= width ? t : t.substring(0, width - 3) + "...";
    }
}
