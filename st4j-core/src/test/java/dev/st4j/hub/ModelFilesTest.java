package dev.st4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which module files a load fetches, given a repository's file list (the weights are the backends' choice:
 * {@code BackendChoiceTest} in st4j-engine, where both backends are installed).
 */
class ModelFilesTest {
    static final ModelFiles.ModuleDir ROOT = new ModelFiles.ModuleDir("", "Transformer");

    @Test
    void aModuleFolderContributesItsOwnFilesButNotPickleWhenSafetensorsExist() {
        Set<String> repo = Set.of("2_Dense/config.json", "2_Dense/model.safetensors", "2_Dense/pytorch_model.bin",
                "2_Dense_extra/config.json", "1_Pooling/config.json");
        assertEquals(Set.of("2_Dense/config.json", "2_Dense/model.safetensors"),
                Set.copyOf(ModelFiles.moduleFiles(new ModelFiles.ModuleDir("2_Dense", "Dense"), repo)));
    }

    @Test
    void anOfflineLoadRequiresEachModulesOwnFiles() {
        assertEquals(List.of("0_StaticEmbedding/tokenizer.json", "0_StaticEmbedding/model.safetensors"),
                ModelFiles.requiredFiles(new ModelFiles.ModuleDir("0_StaticEmbedding", "StaticEmbedding")));
        assertEquals(List.of("2_Dense/config.json", "2_Dense/model.safetensors"),
                ModelFiles.requiredFiles(new ModelFiles.ModuleDir("2_Dense", "Dense")));
        assertEquals(List.of("config.json", "tokenizer.json"), ModelFiles.requiredFiles(ROOT));
        assertEquals(List.of(), ModelFiles.requiredFiles(new ModelFiles.ModuleDir("3_Normalize", "Normalize")));
    }

    @Test
    void aRepositoryWithoutTokenizerJsonBringsItsSlowTokenizerFiles() {
        Set<String> slow = Set.of("config.json", "vocab.txt", "tokenizer_config.json", "merges.txt.bak");
        List<String> got = ModelFiles.transformerConfigs(ROOT, slow::contains);
        assertTrue(got.contains("vocab.txt"), got.toString());
        assertTrue(ModelFiles.replaceable(ROOT, "tokenizer.json", slow::contains));
        assertFalse(ModelFiles.replaceable(ROOT, "config.json", slow::contains));
        Set<String> spm = Set.of("0_Transformer/sentencepiece.bpe.model");
        assertTrue(ModelFiles.transformerConfigs(new ModelFiles.ModuleDir("0_Transformer", "Transformer"),
                spm::contains).contains("0_Transformer/sentencepiece.bpe.model"));
        // vocab.json alone is not enough (byte-level BPE needs merges.txt), and a fast file wins: no slow files then.
        assertFalse(ModelFiles.replaceable(ROOT, "tokenizer.json", Set.of("vocab.json")::contains));
        Set<String> both = Set.of("tokenizer.json", "vocab.txt");
        assertFalse(ModelFiles.transformerConfigs(ROOT, both::contains).contains("vocab.txt"));
    }

    @Test
    void aModuleSavedInTheRootFolderContributesTheFilesItReadsByName() {
        Set<String> repo = Set.of("modules.json", "tokenizer.json", "model.safetensors", "README.md",
                "pytorch_model.bin");
        assertEquals(List.of("tokenizer.json", "model.safetensors"),
                ModelFiles.moduleFiles(new ModelFiles.ModuleDir("", "StaticEmbedding"), repo));
    }

    @Test
    void aModuleFoldersFilesAreSeenRelativeToIt() {
        Set<String> repo = Set.of("model.safetensors", "0_Transformer/config.json", "0_Transformer/onnx/model.onnx");
        assertEquals(Set.of("config.json", "onnx/model.onnx"),
                ModelFiles.filesOf(new ModelFiles.ModuleDir("0_Transformer", "Transformer"), repo));
        assertEquals(repo, ModelFiles.filesOf(ROOT, repo));
    }

    @Test
    void aRootRouterBringsItsConfigAndItsRouteFoldersButNoPickles() {
        Set<String> repo = Set.of("modules.json", "router_config.json", "README.md", "1_Pooling/config.json",
                "query_0_StaticEmbedding/tokenizer.json", "query_0_StaticEmbedding/model.safetensors",
                "document_0_Transformer/config.json", "document_0_Transformer/model.safetensors",
                "document_0_Transformer/pytorch_model.bin", "document_0_Transformer/onnx/model.onnx");
        assertEquals(Set.of("router_config.json", "query_0_StaticEmbedding/tokenizer.json",
                "query_0_StaticEmbedding/model.safetensors", "document_0_Transformer/config.json",
                "document_0_Transformer/model.safetensors", "document_0_Transformer/onnx/model.onnx"),
                Set.copyOf(ModelFiles.moduleFiles(new ModelFiles.ModuleDir("", "Router"), repo)));
        assertEquals(List.of("0_WordEmbeddings/wordembedding_config.json",
                "0_WordEmbeddings/whitespacetokenizer_config.json", "0_WordEmbeddings/model.safetensors"),
                ModelFiles.requiredFiles(new ModelFiles.ModuleDir("0_WordEmbeddings", "WordEmbeddings")));
    }

    @Test
    void legacyModuleConfigsAreFetchedOnlyWithoutSentenceBertConfig() {
        List<String> legacy = ModelFiles.transformerConfigs(ROOT, Set.of("sentence_roberta_config.json")::contains);
        assertEquals("sentence_roberta_config.json", legacy.get(legacy.size() - 1));
        List<String> modern = ModelFiles.transformerConfigs(ROOT,
                Set.of("sentence_bert_config.json", "sentence_roberta_config.json")::contains);
        assertEquals(ModelFiles.TRANSFORMER_CONFIGS, modern);
    }
}
