package dev.st4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.st4j.LoadOptions;
import dev.st4j.UnsupportedModelException;
import dev.st4j.backend.BackendOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.backend.Device;
import dev.st4j.internal.backends.Backends;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.modelfolder.ModelNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Fetches a sentence-transformers model from the Hugging Face hub into the cache huggingface_hub uses, and
 * returns its snapshot folder, ready for {@link dev.st4j.SentenceTransformer#load(Path)}.
 *
 * <p>Online, the revision is resolved to a commit with one listing request; files already in that commit's
 * snapshot cost nothing more, missing ones are downloaded (resumable, verified, locked against concurrent
 * loaders). Offline ({@code localFilesOnly}, {@code HF_HUB_OFFLINE=1}), or pinned to a commit the cache already
 * holds completely, no request is made at all. If the hub cannot be reached, a complete cached snapshot of the
 * revision is used instead.
 *
 * <pre>{@code
 * Path folder = HubDownloader.download("all-MiniLM-L6-v2", LoadOptions.builder().revision("main").build());
 * }</pre>
 */
public final class HubDownloader {
    private static final Logger LOG = Logger.getLogger(HubDownloader.class.getName());
    private static final String DEFAULT_REVISION = "main";

    private final HubSettings settings;
    private final List<BackendProvider> backends;

    /** A downloader that fetches the weights of the backends on the class path. */
    public HubDownloader(HubSettings settings) {
        this(settings, Backends.available());
    }

    /** A downloader that chooses weights as if {@code backends} (in the default order) were installed. */
    HubDownloader(HubSettings settings, List<BackendProvider> backends) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        this.settings = settings;
        this.backends = List.copyOf(backends);
    }

    /**
     * One call for command lines and scripts: applies the short-name rule ({@code all-MiniLM-L6-v2} is
     * {@code sentence-transformers/all-MiniLM-L6-v2}), takes the cache folder, revision, token, backend, ONNX file
     * and offline flag from {@code options} and the rest from the environment, and returns the snapshot folder.
     * Embedded models are not consulted: this always fills the hub cache.
     */
    public static Path download(String nameOrRepoId, LoadOptions options) {
        HubSettings settings = HubSettings.resolve(options.cacheFolder(), options.token(), options.localFilesOnly(),
                Environment.system());
        return new HubDownloader(settings).downloadModel(ModelNames.toRepoId(nameOrRepoId), options.revision(),
                options.backend(), options.onnxFileName(), options.parsedDevice());
    }

    public HubSettings settings() {
        return settings;
    }

    /**
     * Makes sure the cache holds every file the model needs at {@code revision} and returns the snapshot folder.
     *
     * @param repoId {@code organisation/name} (or a legacy bare id such as {@code bert-base-uncased})
     * @param revision branch, tag or 40-hex commit; null means {@code main}
     * @param backend an installed backend's name or null (see {@link LoadOptions#backend()}); the backend chosen
     *     for each Transformer folder decides which weights are fetched
     * @param onnxFileName the ONNX file wanted instead of {@code onnx/model.onnx}, or null
     * @throws dev.st4j.ModelNotFoundException the repository or revision does not exist
     * @throws HubAccessDeniedException the repository needs a token, or the token lacks access
     * @throws ModelNotCachedException offline, and the cache lacks files
     * @throws HubException the network failed after retries, or a download failed verification twice
     */
    public Path downloadModel(String repoId, String revision, String backend, String onnxFileName) {
        return downloadModel(repoId, revision, backend, onnxFileName, Device.CPU);
    }

    /**
     * As {@link #downloadModel(String, String, String, String)}, choosing the weights of a backend that runs on
     * {@code device} (on a CUDA device: the ONNX export).
     */
    public Path downloadModel(String repoId, String revision, String backend, String onnxFileName, Device device) {
        String rev = revision == null || revision.isBlank() ? DEFAULT_REVISION : revision;
        HubCache cache = new HubCache(settings.cacheRoot(), repoId);
        Want want = new Want(backend, new BackendOptions(0, onnxFileName, null, false, device));
        if (settings.offline()) {
            return fromCache(cache, rev, want, null);
        }
        if (HubCache.COMMIT.matcher(rev).matches() && missingInCache(cache, rev, want).isEmpty()) {
            return cache.snapshotFolder(rev); // a commit never changes: nothing to ask the hub
        }
        try (HubClient client = new HubClient(settings)) {
            HubClient.RepoListing listing;
            try {
                listing = client.listFiles(repoId, rev);
            } catch (HubException e) {
                if (!(e.getCause() instanceof IOException) || e instanceof HubAccessDeniedException) {
                    throw e;
                }
                // Unreachable hub: a complete snapshot from an earlier run is as good as Python's fallback.
                return fromCache(cache, rev, want, e);
            }
            return fetch(client, cache, rev, listing, want);
        } catch (IOException e) {
            throw new HubException("cannot write to the hub cache " + settings.cacheRoot() + ": " + e.getMessage()
                    + " (choose a writable folder with cacheFolder, SENTENCE_TRANSFORMERS_HOME or HF_HUB_CACHE)", e);
        }
    }

    /** The backend the caller named (or null) and the options that steer the weights' choice. */
    private record Want(String backend, BackendOptions options) {}

    private Path fetch(HubClient client, HubCache cache, String rev, HubClient.RepoListing listing, Want want)
            throws IOException {
        String commit = listing.commit();
        if (!rev.equals(commit)) {
            cache.writeRef(rev, commit);
        }
        Set<String> files = listing.files();
        FileFetcher fetcher = new FileFetcher(client, cache, commit, files);
        for (String f : ModelFiles.ROOT_CONFIGS) {
            fetcher.fetchIfPresent(f);
        }
        Path modulesJson = cache.hasFile(commit, "modules.json") ? cache.snapshotFile(commit, "modules.json") : null;
        for (ModelFiles.ModuleDir dir : ModelFiles.modules(modulesJson)) {
            if (!dir.isTransformer()) {
                for (String f : ModelFiles.moduleFiles(dir, files)) {
                    fetcher.fetchIfPresent(f);
                }
                continue;
            }
            for (String f : ModelFiles.transformerConfigs(dir, files::contains)) {
                fetcher.fetchIfPresent(f);
            }
            // config.json says the architecture, so the backends can tell whether they run it before any weights
            // are fetched: a repository with both formats whose architecture the engine does not run brings its
            // ONNX export, not unusable safetensors.
            Backends.Choice choice = ModelFiles.chooseWeights(dir, files, config(cache, commit, dir), want.backend(),
                    want.options(), backends, cache.repoId());
            for (String f : choice.weightFiles()) {
                fetcher.fetchIfPresent(f);
                if (!cache.hasFile(commit, f)) {
                    continue;
                }
                Path local = cache.snapshotFile(commit, f);
                for (String named : ModelFiles.referencedFiles(dir, choice.provider(), f, local)) {
                    if (!files.contains(named)) {
                        throw new HubException(cache.repoId() + "@" + commit + ": " + f + " names the file " + named
                                + ", which the repository does not have");
                    }
                    fetcher.fetchIfPresent(named);
                }
            }
        }
        return cache.snapshotFolder(commit);
    }

    /** Fetches files of one commit: skips what the snapshot holds, records what the repository lacks. */
    private final class FileFetcher {
        private final HubClient client;
        private final HubCache cache;
        private final String commit;
        private final Set<String> repoFiles;

        FileFetcher(HubClient client, HubCache cache, String commit, Set<String> repoFiles) {
            this.client = client;
            this.cache = cache;
            this.commit = commit;
            this.repoFiles = repoFiles;
        }

        void fetchIfPresent(String path) throws IOException {
            if (cache.hasFile(commit, path)) {
                return;
            }
            if (!repoFiles.contains(path)) {
                // Recorded as huggingface_hub records a 404, so offline loads (Java or Python) know not to look.
                cache.markAbsent(commit, path);
                return;
            }
            HubClient.FileMetadata meta = client.fileMetadata(cache.repoId(), commit, path).orElse(null);
            if (meta == null) {
                cache.markAbsent(commit, path);
                return;
            }
            Path blob = BlobDownload.ensure(client, cache, meta, path, settings.showProgress());
            cache.link(commit, path, blob);
        }
    }

    /** The snapshot of {@code rev} from the cache alone, or an error listing what is missing and how to get it. */
    private Path fromCache(HubCache cache, String rev, Want want, HubException networkFailure) {
        String commit = HubCache.COMMIT.matcher(rev).matches() ? rev : cache.readRef(rev).orElse(null);
        List<String> missing = commit == null ? List.of("refs/" + rev + " (the revision was never resolved online)",
                        "modules.json", "config.json", "tokenizer.json", "model weights")
                : missingInCache(cache, commit, want);
        if (missing.isEmpty()) {
            if (networkFailure != null) {
                LOG.warning(() -> "the hub is unreachable (" + networkFailure.getMessage() + "); using the cached "
                        + cache.repoId() + "@" + commit);
            }
            return cache.snapshotFolder(commit);
        }
        String id = cache.repoId();
        String why = networkFailure != null ? "the hub could not be reached (" + networkFailure.getMessage() + ")"
                : "offline mode (HF_HUB_OFFLINE or localFilesOnly) is on";
        String revisionFlag = rev.equals(DEFAULT_REVISION) ? "" : " --revision " + rev;
        String message = why + " and the cache " + cache.repoFolder() + " lacks files of " + id + " at revision "
                + rev + ": " + missing + ". Download them once while online with `st4j download " + id + revisionFlag
                + "` (or Python's `hf download " + id + revisionFlag + "`)"
                + (networkFailure != null ? "" : ", or unset HF_HUB_OFFLINE / localFilesOnly") + ".";
        if (networkFailure != null) {
            throw new HubException(message, networkFailure);
        }
        throw new ModelNotCachedException(message, missing);
    }

    /** What the snapshot of {@code commit} lacks for a loadable model; empty when it is complete. */
    private List<String> missingInCache(HubCache cache, String commit, Want want) {
        if (!java.nio.file.Files.isDirectory(cache.snapshotFolder(commit))) {
            return List.of("snapshots/" + commit + " (nothing of this commit is cached)");
        }
        Predicate<String> has = p -> cache.hasFile(commit, p);
        List<String> missing = new ArrayList<>();
        Path modulesJson = has.test("modules.json") ? cache.snapshotFile(commit, "modules.json") : null;
        Set<String> cached = Backends.listFiles(cache.snapshotFolder(commit));
        for (ModelFiles.ModuleDir dir : ModelFiles.modules(modulesJson)) {
            for (String f : ModelFiles.requiredFiles(dir)) {
                if (!has.test(f) && !ModelFiles.replaceable(dir, f, has)) {
                    missing.add(cache.knownAbsent(commit, f) ? f + " (the repository has none at this commit)" : f);
                }
            }
            if (dir.isTransformer()) {
                Backends.Choice choice;
                try {
                    choice = ModelFiles.chooseWeights(dir, cached, config(cache, commit, dir), want.backend(),
                            want.options(), backends, cache.repoId());
                } catch (UnsupportedModelException e) {
                    missing.add("weights (" + e.problem() + ")");
                    continue;
                }
                for (String f : choice.weightFiles()) {
                    ModelFiles.referencedFiles(dir, choice.provider(), f, cache.snapshotFile(commit, f)).stream()
                            .filter(has.negate()).forEach(missing::add);
                }
            }
        }
        return missing;
    }

    /** The cached {@code config.json} of a Transformer folder, or an empty object when the repository has none. */
    private static JsonNode config(HubCache cache, String commit, ModelFiles.ModuleDir dir) {
        String name = dir.file("config.json");
        return cache.hasFile(commit, name) ? ModelFolder.readJsonObject(cache.snapshotFile(commit, name))
                : JsonNodeFactory.instance.objectNode();
    }
}
