package dev.st4j.hub;

import dev.st4j.LoadOptions;
import dev.st4j.backend.BackendProvider;
import dev.st4j.model.ModelNames;
import dev.st4j.pipeline.Backends;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.stream.Collectors;

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

    public HubDownloader(HubSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        this.settings = settings;
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
                options.backend(), options.onnxFileName());
    }

    public HubSettings settings() {
        return settings;
    }

    /**
     * Makes sure the cache holds every file the model needs at {@code revision} and returns the snapshot folder.
     *
     * @param repoId {@code organisation/name} (or a legacy bare id such as {@code bert-base-uncased})
     * @param revision branch, tag or 40-hex commit; null means {@code main}
     * @param backend {@code "onnx"}, {@code "java"} or null (see {@link LoadOptions#backend()}); decides which
     *     weights are fetched
     * @param onnxFileName the ONNX file wanted instead of {@code onnx/model.onnx}, or null
     * @throws dev.st4j.ModelNotFoundException the repository or revision does not exist
     * @throws HubAccessDeniedException the repository needs a token, or the token lacks access
     * @throws ModelNotCachedException offline, and the cache lacks files
     * @throws HubException the network failed after retries, or a download failed verification twice
     */
    public Path downloadModel(String repoId, String revision, String backend, String onnxFileName) {
        String rev = revision == null || revision.isBlank() ? DEFAULT_REVISION : revision;
        HubCache cache = new HubCache(settings.cacheRoot(), repoId);
        Set<String> backends = Backends.available().stream().map(BackendProvider::name)
                .collect(Collectors.toSet());
        if (settings.offline()) {
            return fromCache(cache, rev, backend, onnxFileName, backends, null);
        }
        if (HubCache.COMMIT.matcher(rev).matches()
                && missingInCache(cache, rev, backend, onnxFileName, backends).isEmpty()) {
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
                return fromCache(cache, rev, backend, onnxFileName, backends, e);
            }
            return fetch(client, cache, rev, listing, backend, onnxFileName, backends);
        } catch (IOException e) {
            throw new HubException("cannot write to the hub cache " + settings.cacheRoot() + ": " + e.getMessage()
                    + " (choose a writable folder with cacheFolder, SENTENCE_TRANSFORMERS_HOME or HF_HUB_CACHE)", e);
        }
    }

    private Path fetch(HubClient client, HubCache cache, String rev, HubClient.RepoListing listing, String backend,
            String onnxFileName, Set<String> backends) throws IOException {
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
            ModelFiles.Weights weights = ModelFiles.chooseWeights(dir, files::contains, backend, onnxFileName,
                    backends, cache.repoId());
            for (String f : weights.files()) {
                fetcher.fetchIfPresent(f);
            }
            if (weights.sharded()) {
                for (String shard : ModelFiles.shards(dir, cache.snapshotFile(commit, weights.files().get(0)))) {
                    if (!files.contains(shard)) {
                        throw new HubException(cache.repoId() + "@" + commit + ": " + weights.files().get(0)
                                + " names the shard " + shard + ", which the repository does not have");
                    }
                    fetcher.fetchIfPresent(shard);
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
    private Path fromCache(HubCache cache, String rev, String backend, String onnxFileName, Set<String> backends,
            HubException networkFailure) {
        String commit = HubCache.COMMIT.matcher(rev).matches() ? rev : cache.readRef(rev).orElse(null);
        List<String> missing = commit == null ? List.of("refs/" + rev + " (the revision was never resolved online)",
                        "modules.json", "config.json", "tokenizer.json", "model weights")
                : missingInCache(cache, commit, backend, onnxFileName, backends);
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
    private static List<String> missingInCache(HubCache cache, String commit, String backend, String onnxFileName,
            Set<String> backends) {
        if (!java.nio.file.Files.isDirectory(cache.snapshotFolder(commit))) {
            return List.of("snapshots/" + commit + " (nothing of this commit is cached)");
        }
        Predicate<String> has = p -> cache.hasFile(commit, p);
        List<String> missing = new ArrayList<>();
        Path modulesJson = has.test("modules.json") ? cache.snapshotFile(commit, "modules.json") : null;
        for (ModelFiles.ModuleDir dir : ModelFiles.modules(modulesJson)) {
            for (String f : ModelFiles.requiredFiles(dir)) {
                if (!has.test(f)) {
                    missing.add(cache.knownAbsent(commit, f) ? f + " (the repository has none at this commit)" : f);
                }
            }
            if (dir.isTransformer()) {
                ModelFiles.Weights weights;
                try {
                    weights = ModelFiles.chooseWeights(dir, has, backend, onnxFileName, backends, cache.repoId());
                } catch (RuntimeException e) {
                    missing.add(onnxFileName != null ? dir.file(onnxFileName)
                            : dir.file(ModelFiles.SAFETENSORS) + " or " + dir.file("onnx/model.onnx"));
                    continue;
                }
                if (weights.sharded()) {
                    Set<String> shards = new LinkedHashSet<>(ModelFiles.shards(dir,
                            cache.snapshotFile(commit, weights.files().get(0))));
                    shards.stream().filter(has.negate()).forEach(missing::add);
                }
            }
        }
        return missing;
    }
}
