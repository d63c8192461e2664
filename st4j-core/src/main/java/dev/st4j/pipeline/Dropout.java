package dev.st4j.pipeline;

import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.ModuleType;
import java.nio.file.Path;
import java.util.List;

/** Dropout does nothing at inference time; it is accepted so that models listing it load. */
public final class Dropout implements Module {
    public static final ModuleType TYPE = new ModuleType("Dropout", List.of(), List.of("config.json"),
            c -> new Dropout(dev.st4j.internal.modelfolder.ModelFolder.readJsonIfExists(c.file("config.json"))
                    .map(n -> n.path("dropout").asDouble(0.2)).orElse(0.2)));

    private final double rate;

    Dropout(double rate) {
        this.rate = rate;
    }

    @Override
    public void forward(Features features) {}

    /** Python's config: the rate, which does nothing at inference time. */
    @Override
    public void save(Path dir) throws java.io.IOException {
        dev.st4j.internal.modelfolder.ModelFolder.writeJson(dir.resolve("config.json"),
                dev.st4j.internal.modelfolder.ModelFolder.mapper().createObjectNode().put("dropout", rate), 4);
    }

    @Override
    public String typeName() {
        return "Dropout";
    }
}
