package dev.st4j.tokenizers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/** The tokenizer files and texts the conformance tests run over. */
final class TestData {
    private TestData() {}

    /** The embedded models' tokenizer.json, as the model jars carry them (resource names of the langchain4j jars). */
    static final List<String> EMBEDDED = List.of("all-minilm-l6-v2-tokenizer.json", "bge-small-en-v1.5-tokenizer.json",
            "e5-small-v2-tokenizer.json");

    static Path shared() {
        String p = System.getProperty("st4j.shared.data");
        if (p == null) {
            throw new IllegalStateException("system property st4j.shared.data is not set (the parent pom sets it)");
        }
        return Path.of(p);
    }

    private static final Map<String, String> TEXTS = new ConcurrentHashMap<>();

    /**
     * A tokenizer file's text: an embedded resource name, or a path under shared data (gzip allowed). Read once
     * per run; the same instance each time, so tokenizers parsed from it can be shared (see Conformance).
     */
    static String json(String name) {
        return TEXTS.computeIfAbsent(name, TestData::read);
    }

    /** Whether {@code text} is the very instance {@link #json} returned for some file. */
    static boolean isFileText(String text) {
        for (String t : TEXTS.values()) {
            if (t == text) {
                return true;
            }
        }
        return false;
    }

    private static String read(String name) {
        try {
            if (EMBEDDED.contains(name)) {
                try (InputStream in = TestData.class.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalStateException(name + " is not on the test class path");
                    }
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            Path file = shared().resolve(name);
            if (name.endsWith(".gz")) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> corpus() {
        try {
            return Files.readAllLines(shared().resolve("throughput_corpus.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Texts that exercise Unicode and length edge cases. */
    static List<String> torture() {
        List<String> t = new ArrayList<>(List.of(
                "", " ", "   ", "\t\n\r", "a", "café naïve Ångström façade crème brûlée", "e\u0301 a\u0308 o\u0302\u0323",
                "İstanbul ǅ ß ﬁ ﬂ Σίσυφος ΣΑΣ", "中文字符测试", "日本語のテキスト、カタカナ。", "한국어 텍스트 각",
                "👍🏽 👍🏿 👨‍👩‍👧‍👦 🇯🇵 1️⃣ ❤️ 🧑🏾‍💻", "😀😀😀abc😀", "a\u200Bb\u200Cc\u200Dd\uFEFFe\u2060f",
                "a\u0000b\u0007c\u001Fd\u007Fe\u0085f\u00ADg", "مرحبا بالعالم، كيف حالك؟", "שלום עולם!",
                "abc中文def😀ghi ١٢٣ ४५६", "a".repeat(150), "supercalifragilistic".repeat(8),
                "a   \t\t\n\n  b    c", "  leading and trailing  ", "word ".repeat(700),
                "[CLS] inside [SEP] text [MASK] [PAD] [UNK]", "[mask] lower [cls]", "x[SEP]y", "\u00A0nbsp\u2003em\u3000ideo",
                "Ⅻ ① x² ½ ㎏ ℃", "\uFFFD replacement", "\uE000 private \uDB80\uDC00", "\u0378 unassigned",
                "don't can't I'm we're U.S.A. e-mail foo_bar", "<s> </s> <mask> <pad> <unk> <|endoftext|>",
                "\u2581spm \u0120gpt", "Hello, World! How's it going?", "1234567890 3.14159 1,000,000",
                "https://example.com/path?q=1&r=2#frag user@example.com", "def f(x):\n    return x ** 2  # comment",
                "ÀÉÎÕÜ àéîõü ÇçÑñ", "Ελληνικά Русский язык Türkçe ąęłńóśźż", "ไทย ภาษาไทย เป็น", "हिन्दी भाषा",
                "\u0F00\u0F01 Tibetan", "𝔾𝕠𝕠𝕕 𝓂𝑜𝓇𝓃𝒾𝓃𝑔", "a\u0301\u0301\u0301\u0301\u0301b", "ﷺ ﷽",
                "mixed\u2028line\u2029sep", "tab\there", "ＦＵＬＬＷＩＤＴＨ ｶﾀｶﾅ", "\u3131\u314F \u1100\u1161\u11A8",
                "!!!???...,,,;;;", "((([[[{{{}}}]]])))", "\"quoted\" 'single' «guillemets» „German“",
                "—–‐‑‒― dashes", "The quick brown fox jumps over the lazy dog. ".repeat(40)));
        return t;
    }
}
