package dev.st4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.EncodeOptions;
import dev.st4j.FloatMatrix;
import dev.st4j.LoadOptions;
import dev.st4j.SentenceTransformer;
import dev.st4j.St4jException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark local mode, 2 task threads, 4 partitions, the embedded all-MiniLM-L6-v2: the vectors of a separately
 * loaded SentenceTransformer's encode, one model load per JVM, Parquet round trip, the SQL function.
 */
@Tag("slow")
class St4jSparkTest {
    static final St4jSparkOptions OPTIONS = St4jSparkOptions.builder("all-MiniLM-L6-v2").threads(1).batchSize(8)
            .rowsPerChunk(10).build();
    static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType, false)
            .add("text", DataTypes.StringType, true);

    static SparkSession spark;
    static SentenceTransformer reference;
    static List<String> texts;
    static Map<String, float[]> expected = new HashMap<>();
    static long loadsBefore;

    @BeforeAll
    static void start() throws IOException {
        Path corpus = Path.of(System.getProperty("st4j.shared.data"), "throughput_corpus.txt");
        texts = new ArrayList<>(Files.readAllLines(corpus).subList(0, 57));
        texts.add(13, null);
        texts.add(30, "");
        texts.add(44, null);
        spark = SparkSession.builder().master("local[2]").appName("st4j-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        // The expected vectors: st4j on one machine, a model loaded apart from the one Spark's tasks share.
        reference = SentenceTransformer.load("all-MiniLM-L6-v2", LoadOptions.builder().threads(1).build());
        List<String> real = texts.stream().filter(t -> t != null && !t.isEmpty()).toList();
        FloatMatrix m = reference.encode(real, EncodeOptions.defaults());
        for (int i = 0; i < real.size(); i++) {
            expected.put(real.get(i), m.row(i));
        }
        St4jSpark.closeModels();
        loadsBefore = St4jSpark.modelLoads();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        St4jSpark.closeModels();
        if (reference != null) {
            reference.close();
        }
    }

    static Dataset<Row> frame() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i)));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, 4), SCHEMA);
    }

    /** Rows in input order (4 partitions, each kept in order), each vector as encode gives it, nulls for no text. */
    static void assertVectors(List<Row> rows, String column) {
        assertEquals(texts.size(), rows.size(), "every row kept");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            assertEquals(i, r.getInt(r.fieldIndex("id")), "row order");
            String t = texts.get(i);
            int c = r.fieldIndex(column);
            if (t == null || t.isEmpty()) {
                assertTrue(r.isNullAt(c), "null vector for row " + i);
                continue;
            }
            List<Float> list = r.getList(c);
            float[] v = new float[list.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = list.get(k);
            }
            assertArrayEquals(expected.get(t), v, 1e-6f, "row " + i);
        }
    }

    @Test
    void embeddingColumnEqualsEncodeAndTheModelLoadsOncePerJvmAcrossJobs() {
        Dataset<Row> df = frame();
        assertEquals(4, df.rdd().getNumPartitions());
        Dataset<Row> out = St4jSpark.encode(df, "text", "embedding", OPTIONS);
        assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false), out.schema().apply("embedding").dataType());
        assertVectors(out.collectAsList(), "embedding");
        assertEquals(texts.size(), out.count());
        assertEquals(texts.size() - 3, out.filter("embedding IS NOT NULL").count());
        assertEquals(1, St4jSpark.modelLoads() - loadsBefore, "one load across three jobs and eight tasks");
    }

    @Test
    void parquetWriteAndReadBack(@TempDir Path dir) {
        String path = dir.resolve("vectors.parquet").toString();
        St4jSpark.encode(frame(), "text", "embedding", OPTIONS).write().parquet(path);
        Dataset<Row> back = spark.read().parquet(path).orderBy("id");
        assertVectors(back.collectAsList(), "embedding");
        assertEquals(1, St4jSpark.modelLoads() - loadsBefore);
    }

    @Test
    void sqlFunction() {
        St4jSpark.registerFunction(spark, OPTIONS);
        frame().createOrReplaceTempView("docs");
        List<Row> rows = spark.sql("SELECT id, st4j_embed(text) AS e FROM docs").collectAsList();
        assertVectors(rows, "e");
        assertEquals(1, St4jSpark.modelLoads() - loadsBefore, "the SQL function shares the encode API's model");
    }

    @Test
    void wrongColumnsAreRefusedBeforeAnyJobNamingTheColumn() {
        Dataset<Row> df = frame();
        var wrongType = assertThrows(IllegalArgumentException.class,
                () -> St4jSpark.encode(df, "id", "embedding", OPTIONS));
        assertTrue(wrongType.getMessage().contains("'id' is int"), wrongType.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> St4jSpark.encode(df, "body", "embedding", OPTIONS));
        assertTrue(missing.getMessage().contains("'body' not found"), missing.getMessage());
        var taken = assertThrows(IllegalArgumentException.class, () -> St4jSpark.encode(df, "text", "id", OPTIONS));
        assertTrue(taken.getMessage().contains("'id' already exists"), taken.getMessage());
    }

    @Test
    void aModelThatCannotLoadFailsTheJobWithTheModelsError(@TempDir Path dir) {
        St4jSparkOptions missing = St4jSparkOptions.builder(dir.resolve("no-such-model").toString()).build();
        Exception e = assertThrows(Exception.class,
                () -> St4jSpark.encode(frame(), "text", "embedding", missing).collectAsList());
        Throwable cause = e;
        while (cause != null && !(cause instanceof St4jException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null, "the st4j error is in the cause chain: " + e);
        assertTrue(cause.getMessage().contains("no-such-model"), cause.getMessage());
    }
}
