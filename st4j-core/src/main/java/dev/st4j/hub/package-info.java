/**
 * Models from the Hugging Face hub, through the cache Python's huggingface_hub uses, so Java and Python share
 * downloads.
 *
 * <ul>
 *   <li>{@link dev.st4j.hub.HubDownloader}: fetch what a model needs at a revision and return its snapshot folder
 *       ({@code HubDownloader.download("all-MiniLM-L6-v2", LoadOptions.defaults())} in one line);
 *       {@link dev.st4j.SentenceTransformer#load(String, dev.st4j.LoadOptions)} calls it for hub ids that are not
 *       local folders or embedded models.</li>
 *   <li>{@link dev.st4j.hub.HubSettings}: cache folder, endpoint, token and offline flag, from the caller's options
 *       and the environment ({@link dev.st4j.hub.Environment}, replaceable in tests).</li>
 *   <li>Errors: {@link dev.st4j.ModelNotFoundException} (no such repository or revision),
 *       {@link dev.st4j.hub.HubAccessDeniedException} (401/403), {@link dev.st4j.hub.ModelNotCachedException}
 *       (offline, files missing), {@link dev.st4j.hub.HubException} (network, verification).</li>
 * </ul>
 *
 * <p>Only the files a load reads are fetched: {@code modules.json}, the sentence-transformers and transformer
 * configs, the tokenizer files, each module folder's files, and the weights of one backend (safetensors, possibly
 * sharded, or one ONNX file). The file list comes from {@code GET /api/models/{repo}/revision/{rev}}, which also
 * resolves the revision to the commit used for every file URL, so a branch moving mid-load cannot mix commits.
 *
 * <p>Known limit: huggingface_hub locks blobs with {@code flock}, st4j with {@code FileChannel.lock} ({@code fcntl}
 * on Linux); the two do not exclude each other, so a Python and a Java process downloading the same blob at the
 * same moment may both write it. st4j verifies every blob's sha256 (or git blob id) before publishing it, so it
 * never publishes a mixed file.
 */
package dev.st4j.hub;
