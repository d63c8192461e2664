package dev.st4j.cli;

import dev.st4j.LoadOptions;
import dev.st4j.hub.HubDownloader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code st4j download}: fill the Hugging Face cache (shared with Python) so later loads work offline. */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = {"Download the files a model needs from the Hugging Face hub into the hub cache shared with "
                + "Python, and print the snapshot folder.",
            "Cache: --cache-folder, else SENTENCE_TRANSFORMERS_HOME, HF_HUB_CACHE, HF_HOME/hub, "
                + "~/.cache/huggingface/hub. Hub: HF_ENDPOINT. Token: HF_TOKEN, or the file written by "
                + "`hf auth login`."})
final class DownloadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "Hub id or short name (all-MiniLM-L6-v2 means sentence-transformers/all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--revision", paramLabel = "R", description = "Branch, tag or commit (default: main).")
    String revision;

    @Option(names = "--cache-folder", paramLabel = "DIR", description = "Hub cache folder to fill.")
    Path cacheFolder;

    @Option(names = "--backend", paramLabel = "java|onnx",
            description = "Fetch the weights this backend runs (default: what the installed backends can run).")
    String backend;

    @Option(names = "--onnx-file", paramLabel = "FILE", description = "ONNX file to fetch instead of onnx/model.onnx.")
    String onnxFile;

    @Option(names = "--offline", description = "Only check that the cache already holds everything; no network.")
    boolean offline;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path folder = HubDownloader.download(model, LoadOptions.builder().revision(revision).cacheFolder(cacheFolder)
                .backend(backend).onnxFileName(onnxFile).localFilesOnly(offline).build());
        spec.commandLine().getOut().println(folder);
        return 0;
    }
}
