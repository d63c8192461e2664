package dev.st4j.hub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A second process for the concurrency test: downloads a model into a cache and prints the snapshot folder. */
public final class DownloadInAnotherProcess {
    private DownloadInAnotherProcess() {}

    /** Arguments: cache folder, hub endpoint, repository id. */
    public static void main(String[] args) {
        HubSettings s = HubSettings.resolve(Path.of(args[0]), null, false,
                        Environment.of(Map.of("HF_ENDPOINT", args[1])))
                .withProgress(false).withNetworkPolicy(Duration.ofSeconds(2), Duration.ofSeconds(10), 3,
                        Duration.ofMillis(10));
        System.out.println(new HubDownloader(s).downloadModel(args[2], null, null, null));
    }
}
