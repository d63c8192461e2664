package dev.st4j.engine.kernels;

/** The matmul entry points both kernel sets share: the tiled loop, with each set's register-blocked inner tile. */
abstract class TiledKernels implements Kernels {

    /** The inner kernel {@link TiledMatmul} runs on each tile. */
    abstract TiledMatmul.Tile tile();

    /** {@code -Dst4j.packWeights=false} keeps packing per call, to measure what packing at load gains. */
    private static final boolean PACK_AT_LOAD = !"false".equals(System.getProperty("st4j.packWeights"));

    @Override
    public WeightMatrix prepare(WeightMatrix w) {
        if (!PACK_AT_LOAD || w instanceof PackedMatrix p && p.blockColumns() == tile().columns()) {
            return w;
        }
        return w.storedBytes() == Float.BYTES ? PackedMatrix.pack(w, tile()) : w;
    }

    @Override
    public void matmul(Parallel parallel, float[] x, int rows, WeightMatrix w, float[] bias, float[] out) {
        TiledMatmul.run(parallel, x, rows, w, bias, out, tile(), null);
    }

    @Override
    public void matmulGelu(Parallel parallel, float[] x, int rows, WeightMatrix w, float[] bias, float[] out) {
        TiledMatmul.run(parallel, x, rows, w, bias, out, tile(), this);
    }
}
