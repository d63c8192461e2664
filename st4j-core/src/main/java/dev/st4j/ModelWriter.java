package dev.st4j;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.model.ModelFolder;
import dev.st4j.model.ModuleSpec;
import dev.st4j.model.SentenceTransformerConfig;
import dev.st4j.pipeline.Module;
import dev.st4j.pipeline.Pipeline;
import dev.st4j.pipeline.Pooling;
import dev.st4j.pipeline.Transformer;
import dev.st4j.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Saves a model in the layout every sentence-transformers version reads: the source folder's files (weights,
 * tokenizer, module folders) copied as they are, and the settings that may have changed since loading rewritten
 * ({@code modules.json} with old-style type strings, {@code config_sentence_transformers.json},
 * {@code sentence_bert_config.json}, Pooling configs). The folder appears whole or not at all.
 */
final class ModelWriter {
    private ModelWriter() {}

    static void save(Path source, Pipeline pipeline, Map<String, String> prompts, String defaultPromptName,
            SimilarityFunction similarity, Integer truncateDim, Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !isEmptyDirectory(absolute)) {
            throw new St4jException("cannot save to " + absolute + ": it exists and is not an empty folder; "
                    + "choose a new path (st4j never mixes a saved model with other files)");
        }
        Path parent = absolute.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".partial-");
            copyTree(source, tmp);
            writeConfigs(tmp, pipeline, prompts, defaultPromptName, similarity, truncateDim);
            if (Files.isDirectory(absolute)) {
                Files.delete(absolute); // empty, checked above
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw new St4jException("cannot save to " + absolute + ": something else created it meanwhile", e);
        } catch (IOException e) {
            throw new St4jException("cannot save the model to " + absolute + ": " + e, e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    private static void writeConfigs(Path dir, Pipeline pipeline, Map<String, String> prompts,
            String defaultPromptName, SimilarityFunction similarity, Integer truncateDim) throws IOException {
        ArrayNode modules = ModelFolder.mapper().createArrayNode();
        List<Module> list = pipeline.modules();
        for (int i = 0; i < list.size(); i++) {
            Module m = list.get(i);
            ModuleSpec spec = pipeline.specs().get(i);
            modules.addObject().put("idx", i).put("name", spec.name()).put("path", spec.path())
                    .put("type", "sentence_transformers.models." + m.typeName());
            if (m instanceof Pooling pooling) {
                Path folder = dir.resolve(spec.path());
                Files.createDirectories(folder);
                write(folder.resolve("config.json"), pooling.toConfig(), 4);
            }
        }
        write(dir.resolve("modules.json"), modules, 2);

        ObjectNode st = ModelFolder.mapper().createObjectNode();
        st.putObject("__version__").put("sentence_transformers", "5.4.0").put("st4j", "0.1.0");
        st.put("model_type", "SentenceTransformer");
        ObjectNode p = st.putObject("prompts");
        new TreeMap<>(prompts).forEach(p::put);
        st.put("default_prompt_name", defaultPromptName);
        st.put("similarity_fn_name", similarity.pythonName());
        if (truncateDim != null) {
            st.put("truncate_dim", truncateDim);
        }
        write(dir.resolve(SentenceTransformerConfig.FILE_NAME), sorted(st), 2);

        if (pipeline.input() instanceof Transformer transformer) {
            Path transformerDir = dir.resolve(pipeline.specs().get(list.indexOf(transformer)).path());
            ObjectNode sbert = ModelFolder.mapper().createObjectNode();
            int max = transformer.maxSeqLength();
            if (max != TextTokenizer.UNLIMITED) {
                sbert.put("max_seq_length", max);
            }
            sbert.put("do_lower_case", transformer.doLowerCase());
            write(transformerDir.resolve("sentence_bert_config.json"), sbert, 4);
        }
    }

    /** Keys in alphabetical order, as Python's {@code json.dump(..., sort_keys=True)} writes them. */
    private static JsonNode sorted(ObjectNode node) {
        ObjectNode out = ModelFolder.mapper().createObjectNode();
        new TreeMap<String, JsonNode>(toMap(node)).forEach(out::set);
        return out;
    }

    private static Map<String, JsonNode> toMap(ObjectNode node) {
        Map<String, JsonNode> map = new TreeMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }

    private static void write(Path file, JsonNode node, int indent) throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter(" ".repeat(indent), "\n"))
                .withArrayIndenter(new DefaultIndenter(" ".repeat(indent), "\n"));
        String json = ModelFolder.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT).writer(printer)
                .writeValueAsString(node).replace("\" : ", "\": ");
        Files.deleteIfExists(file); // may be a link into a shared cache: replace it, never write through it
        Files.writeString(file, json);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted().toList()) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a leftover .partial folder is harmless and named as such
        }
    }
}
