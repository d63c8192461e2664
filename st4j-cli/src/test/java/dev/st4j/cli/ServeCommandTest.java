package dev.st4j.cli;

import static dev.st4j.cli.CommandLineTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code st4j serve}'s flags (the server itself is tested in st4j-server). */
class ServeCommandTest {

    @Test
    void modelsAreNamedAsGivenOrByName() {
        ServeCommand c = new ServeCommand();
        new CommandLine(c).parseArgs("--model", "all-MiniLM-L6-v2", "--model", "bge=BAAI/bge-small-en-v1.5",
                "--port", "0", "--host", "127.0.0.1", "--max-batch-tokens", "4096", "--max-client-batch", "64");
        assertEquals(List.of("all-MiniLM-L6-v2", "bge=BAAI/bge-small-en-v1.5"), c.models);
        assertEquals(Map.entry("all-MiniLM-L6-v2", "all-MiniLM-L6-v2"), ServeCommand.nameAndModel(c.models.get(0)));
        assertEquals(Map.entry("bge", "BAAI/bge-small-en-v1.5"), ServeCommand.nameAndModel(c.models.get(1)));
        assertEquals(4096, c.maxBatchTokens);
        assertEquals(64, c.maxClientBatch);
        assertEquals(0, c.port);

        ServeCommand defaults = new ServeCommand();
        new CommandLine(defaults).parseArgs();
        assertEquals(List.of(ModelOptions.DEFAULT_MODEL), defaults.models);
        assertEquals(8080, defaults.port);
    }

    @Test
    void lazyModelsAndTheRequestTimeout() {
        ServeCommand c = new ServeCommand();
        new CommandLine(c).parseArgs("--model", "a=all-MiniLM-L6-v2", "--lazy", "--lazy-model", "b=x/y",
                "--request-timeout", "500ms");
        assertTrue(c.lazy);
        assertEquals(List.of("b=x/y"), c.lazyModels);
        assertEquals(java.time.Duration.ofMillis(500), ServeCommand.duration("--request-timeout", c.requestTimeout));
        assertEquals(java.time.Duration.ofSeconds(30), ServeCommand.duration("--request-timeout", "30"));
        assertEquals(java.time.Duration.ofSeconds(120), ServeCommand.duration("--request-timeout", "2m"));
        assertEquals(java.time.Duration.ofMillis(1500), ServeCommand.duration("--request-timeout", "1.5s"));
    }

    @Test
    void badFlagsAreErrorsNamingTheFlag() {
        CommandLineTest.Run timeout = run("serve", "--request-timeout", "soon", "--port", "0");
        assertEquals(2, timeout.exit());
        assertTrue(timeout.err().contains("--request-timeout"), timeout.err());
        CommandLineTest.Run zeroTimeout = run("serve", "--request-timeout", "0", "--port", "0");
        assertEquals(2, zeroTimeout.exit());
        assertTrue(zeroTimeout.err().contains("--request-timeout"), zeroTimeout.err());
        CommandLineTest.Run device = run("serve", "--device", "gpu", "--port", "0");
        assertEquals(2, device.exit());
        assertTrue(device.err().contains("--device: 'gpu'"), device.err());
        CommandLineTest.Run empty = run("serve", "--model", "=all-MiniLM-L6-v2", "--port", "0");
        assertEquals(2, empty.exit());
        assertTrue(empty.err().contains("NAME=MODEL"), empty.err());
        CommandLineTest.Run twice = run("serve", "--model", "a=all-MiniLM-L6-v2", "--model", "a=x", "--port", "0");
        assertEquals(2, twice.exit());
        assertTrue(twice.err().contains("'a'"), twice.err());
        CommandLineTest.Run zero = run("serve", "--max-batch-tokens", "0", "--port", "0");
        assertEquals(2, zero.exit());
        assertTrue(zero.err().contains("--max-batch-tokens"), zero.err());
    }
}
