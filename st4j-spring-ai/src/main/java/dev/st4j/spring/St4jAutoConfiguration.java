package dev.st4j.spring;

import dev.st4j.EncodeOptions;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A Spring AI {@link EmbeddingModel} bean running st4j, when {@code st4j.model} is set and the application defines
 * no EmbeddingModel of its own. The model loads once, when the context starts, and closes with it.
 */
@AutoConfiguration
@ConditionalOnClass(EmbeddingModel.class)
@ConditionalOnProperty(prefix = "st4j", name = "model")
@EnableConfigurationProperties(St4jProperties.class)
public class St4jAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(EmbeddingModel.class)
    public St4jSpringEmbeddingModel st4jEmbeddingModel(St4jProperties p) {
        LoadOptions.Builder load = LoadOptions.builder();
        if (p.backend() != null) {
            load.backend(p.backend());
        }
        if (p.threads() != null) {
            load.threads(p.threads());
        }
        if (p.prompts() != null) {
            load.prompts(p.prompts());
        }
        if (p.defaultPromptName() != null) {
            load.defaultPromptName(p.defaultPromptName());
        }
        EncodeOptions.Builder encode = EncodeOptions.builder().prompt(p.prompt())
                .normalizeEmbeddings(Boolean.TRUE.equals(p.normalize())).truncateDim(p.truncateDim());
        if (p.batchSize() != null) {
            encode.batchSize(p.batchSize());
        }
        // Options are checked before the (possibly slow) load, so a bad property fails fast.
        EncodeOptions options = encode.build();
        SentenceTransformer model = SentenceTransformer.load(p.model(), load.build());
        return new St4jSpringEmbeddingModel(model, true, p.model(), options);
    }
}
