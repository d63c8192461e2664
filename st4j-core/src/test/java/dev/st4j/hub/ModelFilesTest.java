package dev.st4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.st4j.UnsupportedModelException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which weights and module files a load fetches, given a repository's file list. */
class ModelFilesTest {
    static final ModelFiles.ModuleDir ROOT = new ModelFiles.ModuleDir("", "Transformer");
    static final Set<String> BOTH = Set.of("model.safetensors", "onnx/model.onnx", "onnx/model_qint8_avx512.onnx",
            "pytorch_model.bin");

    static List<String> weights(Set<String> repo, String backend, String onnxFile, Set<String> installed) {
        return ModelFiles.chooseWeights(ROOT, repo::contains, backend, onnxFile, installed, "org/m").files();
    }

    @Test
    void theInstalledBackendsDecideWhenNoneIsNamed() {
        assertEquals(List.of("model.safetensors"), weights(BOTH, null, null, Set.of("java", "onnx")));
        assertEquals(List.of("onnx/model.onnx"), weights(BOTH, null, null, Set.of("onnx")));
        assertEquals(List.of("model.safetensors"), weights(BOTH, null, null, Set.of()));
        assertEquals(List.of("onnx/model.onnx"), weights(Set.of("onnx/model.onnx"), null, null, Set.of("java")));
    }

    @Test
    void aNamedBackendOrOnnxFileIsObeyed() {
        assertEquals(List.of("onnx/model.onnx"), weights(BOTH, "onnx", null, Set.of("java", "onnx")));
        assertEquals(List.of("model.safetensors"), weights(BOTH, "java", null, Set.of("onnx")));
        assertEquals(List.of("onnx/model_qint8_avx512.onnx"),
                weights(BOTH, null, "model_qint8_avx512.onnx", Set.of("java", "onnx")));
        assertThrows(UnsupportedModelException.class, () -> weights(BOTH, "onnx", "model_O4.onnx", Set.of("onnx")));
        assertThrows(UnsupportedModelException.class, () -> weights(Set.of("onnx/model.onnx"), "java", null, Set.of()));
    }

    @Test
    void shardedSafetensorsStartFromTheIndexAndExternalOnnxDataComesAlong() {
        ModelFiles.Weights sharded = ModelFiles.chooseWeights(ROOT, Set.of("model.safetensors.index.json")::contains,
                "java", null, Set.of(), "org/m");
        assertEquals(List.of("model.safetensors.index.json"), sharded.files());
        assertEquals(true, sharded.sharded());
        assertEquals(List.of("onnx/model.onnx", "onnx/model.onnx_data"),
                weights(Set.of("onnx/model.onnx", "onnx/model.onnx_data"), "onnx", null, Set.of()));
    }

    @Test
    void pytorchOnlyWeightsAreUnsupportedWithAHint() {
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> weights(Set.of("pytorch_model.bin"), null, null, Set.of("onnx")));
        assertEquals(true, e.getMessage().contains("safetensors"));
    }

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
    void aModuleSavedInTheRootFolderContributesTheFilesItReadsByName() {
        Set<String> repo = Set.of("modules.json", "tokenizer.json", "model.safetensors", "README.md",
                "pytorch_model.bin");
        assertEquals(List.of("tokenizer.json", "model.safetensors"),
                ModelFiles.moduleFiles(new ModelFiles.ModuleDir("", "StaticEmbedding"), repo));
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
