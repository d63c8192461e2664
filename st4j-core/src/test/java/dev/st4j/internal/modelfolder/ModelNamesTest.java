package dev.st4j.internal.modelfolder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.st4j.ModelNotFoundException;
import org.junit.jupiter.api.Test;

/** Name resolution of SPEC.md 1.2. */
class ModelNamesTest {
    @Test
    void shortNamesGetTheSentenceTransformersOrganisation() {
        assertEquals("sentence-transformers/all-MiniLM-L6-v2", ModelNames.toRepoId("all-MiniLM-L6-v2"));
    }

    @Test
    void legacyBareTransformerIdsStayBareWhateverTheirCase() {
        assertEquals("bert-base-uncased", ModelNames.toRepoId("bert-base-uncased"));
        assertEquals("XLM-RoBERTa-base", ModelNames.toRepoId("XLM-RoBERTa-base"));
    }

    @Test
    void organisationIdsAreKept() {
        assertEquals("BAAI/bge-small-en-v1.5", ModelNames.toRepoId("BAAI/bge-small-en-v1.5"));
    }

    @Test
    void moreThanOneSlashIsAMissingPath() {
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, () -> ModelNames.toRepoId("a/b/c"));
        assertEquals(true, e.getMessage().startsWith("Path a/b/c not found"));
    }
}
