package dev.st4j.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Readers for evaluation data in the usual file formats. A malformed line is an {@link IllegalArgumentException}
 * naming the file and the line number.
 */
public final class EvaluationData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvaluationData() {}

    /**
     * Sentence pairs with gold scores.
     *
     * @param sentences1 first sentence of each pair
     * @param sentences2 second sentence of each pair
     * @param scores gold similarity of each pair
     */
    public record StsPairs(List<String> sentences1, List<String> sentences2, double[] scores) {}

    /**
     * An STS CSV (RFC 4180 quoting): {@code sentence1,sentence2,score} per line, with or without a header line; a
     * header that names {@code sentence1}, {@code sentence2} and {@code score} columns picks them out of wider files.
     */
    public static StsPairs readSts(Path csv) throws IOException {
        List<List<String>> rows = readCsv(csv);
        int s1 = 0;
        int s2 = 1;
        int sc = 2;
        int first = 0;
        if (!rows.isEmpty() && rows.get(0).size() >= 3 && !isNumber(rows.get(0).get(2))) {
            List<String> header = rows.get(0);
            if (header.contains("sentence1") && header.contains("sentence2") && header.contains("score")) {
                s1 = header.indexOf("sentence1");
                s2 = header.indexOf("sentence2");
                sc = header.indexOf("score");
            }
            first = 1;
        }
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int i = first; i < rows.size(); i++) {
            List<String> row = rows.get(i);
            int need = Math.max(s1, Math.max(s2, sc)) + 1;
            if (row.size() < need) {
                throw new IllegalArgumentException(csv + ":" + (i + 1) + ": expected sentence1,sentence2,score but got "
                        + row.size() + " field(s)");
            }
            if (!isNumber(row.get(sc))) {
                throw new IllegalArgumentException(csv + ":" + (i + 1) + ": score '" + row.get(sc) + "' is not a number");
            }
            a.add(row.get(s1));
            b.add(row.get(s2));
            scores.add(Double.parseDouble(row.get(sc).strip()));
        }
        if (a.isEmpty()) {
            throw new IllegalArgumentException(csv + ": no sentence pairs");
        }
        return new StsPairs(List.copyOf(a), List.copyOf(b), scores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Ids and texts, by content: BEIR JSON lines ({@code {"_id": ..., "title": ..., "text": ...}}, the title joined
     * before the text), SMART records ({@code .I}/{@code .W} as in Cranfield, numbered 1, 2, ... by position, the
     * numbering Cranfield's qrels use), else {@code id<TAB>text} lines.
     */
    public static Map<String, String> readTexts(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String firstLine = lines.stream().filter(l -> !l.isBlank()).findFirst().orElse("");
        Map<String, String> out = new LinkedHashMap<>();
        if (firstLine.startsWith(".I")) {
            readSmart(file, lines, out);
        } else if (firstLine.startsWith("{")) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(lines.get(i));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": not JSON: " + e.getOriginalMessage());
                }
                JsonNode id = n.has("_id") ? n.get("_id") : n.get("id");
                if (id == null || !n.has("text")) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": needs \"_id\" and \"text\"");
                }
                String title = n.path("title").asText("");
                String text = n.get("text").asText();
                put(out, id.asText(), title.isEmpty() ? text : title + " " + text, file, i);
            }
        } else {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab <= 0) {
                    throw new IllegalArgumentException(file + ":" + (i + 1)
                            + ": expected id<TAB>text (or BEIR JSON lines, or SMART .I/.W records)");
                }
                put(out, line.substring(0, tab), line.substring(tab + 1), file, i);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no texts");
        }
        return out;
    }

    private static void readSmart(Path file, List<String> lines, Map<String, String> out) {
        StringBuilder text = null;
        String field = "";
        int record = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i) : ".I";
            if (line.startsWith(".I")) {
                if (text != null) {
                    // Cranfield has records with an empty .W (471, 995): kept as empty texts, so ids stay positions.
                    out.put(Integer.toString(record), text.toString().strip().replaceAll("\\s+", " "));
                }
                if (i < lines.size() && line.substring(2).strip().isEmpty()) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": .I without a number");
                }
                record++;
                text = new StringBuilder();
                field = "";
            } else if (line.startsWith(".") && line.length() == 2) {
                field = line;
            } else if (field.equals(".W")) {
                text.append(line).append(' ');
            }
        }
    }

    /**
     * Relevance judgements, whitespace-separated: {@code qid docid grade} (Cranfield, BEIR TSV after its header
     * line), {@code qid iteration docid grade} (TREC) or {@code qid docid} (grade 1). Grades of 0 or below stay in
     * the map and count as not relevant.
     */
    public static Map<String, Map<String, Double>> readQrels(Path file) throws IOException {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                String[] f = line.strip().split("\\s+");
                if (line.isBlank()) {
                    continue;
                }
                String q;
                String d;
                String g;
                switch (f.length) {
                    case 2 -> {
                        q = f[0];
                        d = f[1];
                        g = "1";
                    }
                    case 3 -> {
                        q = f[0];
                        d = f[1];
                        g = f[2];
                    }
                    case 4 -> {
                        q = f[0];
                        d = f[2];
                        g = f[3];
                    }
                    default -> throw new IllegalArgumentException(file + ":" + n
                            + ": expected 'qid docid [grade]' or 'qid iteration docid grade', got " + f.length
                            + " fields");
                }
                if (!isNumber(g)) {
                    if (n == 1) {
                        continue; // a header such as BEIR's "query-id corpus-id score"
                    }
                    throw new IllegalArgumentException(file + ":" + n + ": grade '" + g + "' is not a number");
                }
                out.computeIfAbsent(q, k -> new LinkedHashMap<>()).put(d, Double.parseDouble(g));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no relevance judgements");
        }
        return out;
    }

    private static void put(Map<String, String> out, String id, String text, Path file, int line) {
        if (out.putIfAbsent(id, text) != null) {
            throw new IllegalArgumentException(file + ":" + (line + 1) + ": duplicate id '" + id + "'");
        }
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
    static List<List<String>> readCsv(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int line = 1;
        int rowLine = 1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                        if (i + 1 < s.length() && ",\r\n".indexOf(s.charAt(i + 1)) < 0) {
                            throw new IllegalArgumentException(file + ":" + line
                                    + ": text after a closing quote; double quotes inside quoted fields");
                        }
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || !field.isEmpty()) {
                    row.add(field.toString());
                    rows.add(row);
                }
                row = new ArrayList<>();
                field.setLength(0);
                any = false;
                line++;
                rowLine = line;
            } else {
                field.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(file + ":" + rowLine + ": unterminated quoted field");
        }
        if (any || !field.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
