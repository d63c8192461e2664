package dev.st4j.spring;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code st4j.*} properties of {@link St4jAutoConfiguration}.
 *
 * @param model hub id, short name or local folder (required: {@code st4j.model=all-MiniLM-L6-v2})
 * @param backend {@code java} or {@code onnx}; unset lets st4j choose
 * @param threads inference threads; unset uses st4j's default
 * @param prompts name → prompt text, added to the model's own prompts
 * @param defaultPromptName the prompt every text gets unless a call says otherwise
 * @param prompt a literal prompt prepended to every text (wins over the prompt name)
 * @param normalize L2-normalize the vectors
 * @param truncateDim keep the first dimensions only
 * @param batchSize texts per forward pass
 */
@ConfigurationProperties(prefix = "st4j")
public record St4jProperties(String model, String backend, Integer threads, Map<String, String> prompts,
        String defaultPromptName, String prompt, Boolean normalize, Integer truncateDim, Integer batchSize) {
}
