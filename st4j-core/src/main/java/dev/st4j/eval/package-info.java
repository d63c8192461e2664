/**
 * Python's {@code sentence_transformers.evaluation}: {@link dev.st4j.eval.EmbeddingSimilarityEvaluator} (STS
 * correlations) and {@link dev.st4j.eval.InformationRetrievalEvaluator} (accuracy, precision, recall, MRR, NDCG,
 * MAP at k), with Python's metric keys and CSV files, run by {@link dev.st4j.SentenceTransformer#evaluate};
 * {@link dev.st4j.eval.EvaluationData} reads the usual dataset files.
 */
package dev.st4j.eval;
