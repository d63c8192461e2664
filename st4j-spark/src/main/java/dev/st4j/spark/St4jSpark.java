package dev.st4j.spark;

import dev.st4j.FloatMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * st4j inside Spark executors: a column of texts in, a column of {@code array<float>} vectors out, the same vectors
 * as {@code SentenceTransformer.encode} on one machine.
 *
 * <p>Each executor JVM loads the model once per distinct {@link St4jSparkOptions} (on first use, from the hub cache
 * or a path every executor can read) and shares it between its concurrent tasks. A partition is encoded
 * {@link St4jSparkOptions#rowsPerChunk()} rows at a time, each chunk one st4j call that sorts texts by length into
 * batches; rows keep their order. A null or empty text gives a null vector and the row is kept.
 */
public final class St4jSpark {
    /** The SQL function name {@link #registerFunction(SparkSession, St4jSparkOptions)} registers. */
    public static final String FUNCTION_NAME = "st4j_embed";

    private static final ArrayType VECTOR = DataTypes.createArrayType(DataTypes.FloatType, false);

    private St4jSpark() {
    }

    /**
     * {@code df} with a column {@code outputCol} of vectors of the string column {@code inputCol}. Checked when
     * called (before any job): the input column must exist and be a string, the output column must not exist.
     */
    public static Dataset<Row> encode(Dataset<Row> df, String inputCol, String outputCol, St4jSparkOptions options) {
        if (df == null || inputCol == null || outputCol == null || options == null) {
            throw new IllegalArgumentException("df, inputCol, outputCol and options are required");
        }
        StructType schema = df.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        int index = names.indexOf(inputCol);
        if (index < 0) {
            throw new IllegalArgumentException("St4jSpark.encode: column '" + inputCol + "' not found; the columns are "
                    + names);
        }
        StructField field = schema.fields()[index];
        if (!field.dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("St4jSpark.encode: column '" + inputCol + "' is "
                    + field.dataType().simpleString() + ", not string; cast it first, e.g. df.withColumn(\""
                    + inputCol + "\", col(\"" + inputCol + "\").cast(\"string\"))");
        }
        if (names.contains(outputCol)) {
            throw new IllegalArgumentException("St4jSpark.encode: output column '" + outputCol
                    + "' already exists; choose another name or drop it first");
        }
        StructType out = schema.add(outputCol, VECTOR, true);
        return df.mapPartitions(new EncodePartition(options, index), Encoders.row(out));
    }

    /** Registers {@code st4j_embed(text)} → {@code array<float>} (null for a null or empty text) in {@code spark}. */
    public static void registerFunction(SparkSession spark, St4jSparkOptions options) {
        registerFunction(spark, FUNCTION_NAME, options);
    }

    /**
     * Registers a SQL function {@code name(text)} → {@code array<float>}. It encodes one row per call (Spark calls
     * scalar functions row by row); {@link #encode} batches and is faster on large columns.
     */
    public static void registerFunction(SparkSession spark, String name, St4jSparkOptions options) {
        if (spark == null || name == null || options == null) {
            throw new IllegalArgumentException("spark, name and options are required");
        }
        spark.udf().register(name, new EmbedFunction(name, options), VECTOR);
    }

    /** How many models this JVM has loaded (one per distinct options, unless {@link #closeModels()} ran). */
    public static long modelLoads() {
        return ExecutorModels.loads();
    }

    /** Closes and forgets this JVM's models; the next task loads them again. */
    public static void closeModels() {
        ExecutorModels.closeAll();
    }

    /** One partition: chunks of rows in, the same rows with a vector appended out, in order. */
    private record EncodePartition(St4jSparkOptions options, int index) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            return new Iterator<>() {
                private Iterator<Row> chunk = List.<Row>of().iterator();

                @Override
                public boolean hasNext() {
                    if (!chunk.hasNext() && rows.hasNext()) {
                        chunk = encodeChunk(rows).iterator();
                    }
                    return chunk.hasNext();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return chunk.next();
                }
            };
        }

        private List<Row> encodeChunk(Iterator<Row> rows) {
            List<Row> in = new ArrayList<>(options.rowsPerChunk());
            while (in.size() < options.rowsPerChunk() && rows.hasNext()) {
                in.add(rows.next());
            }
            List<String> texts = new ArrayList<>(in.size());
            for (Row r : in) {
                String t = r.isNullAt(index) ? null : r.getString(index);
                if (t != null && !t.isEmpty()) {
                    texts.add(t);
                }
            }
            FloatMatrix vectors = texts.isEmpty() ? null : ExecutorModels.encode(options, texts);
            List<Row> out = new ArrayList<>(in.size());
            int next = 0;
            for (Row r : in) {
                Object[] values = new Object[r.length() + 1];
                for (int i = 0; i < r.length(); i++) {
                    values[i] = r.get(i);
                }
                String t = r.isNullAt(index) ? null : r.getString(index);
                values[r.length()] = t == null || t.isEmpty() ? null : vectors.row(next++);
                out.add(RowFactory.create(values));
            }
            return out;
        }
    }

    /** The SQL function: one text → its vector, null for null or empty. */
    private record EmbedFunction(String name, St4jSparkOptions options) implements UDF1<Object, float[]> {
        @Override
        public float[] call(Object text) {
            if (text == null) {
                return null;
            }
            if (!(text instanceof String s)) {
                throw new IllegalArgumentException(name + " takes a string, got a " + text.getClass().getSimpleName()
                        + "; cast the column: " + name + "(CAST(col AS STRING))");
            }
            return s.isEmpty() ? null : ExecutorModels.encode(options, List.of(s)).row(0);
        }
    }
}
