package dev.st4j;

/**
 * The {@code k} best {@code (score, id)} entries offered, without sorting everything offered: a bounded min-heap
 * whose root is the worst kept entry. Ties on score go to the larger id (as Python's heap of {@code (score, id)}
 * tuples keeps them) or, when asked, to the smaller id.
 */
final class TopK {
    private final int capacity;
    private final boolean preferLowerId;
    private final float[] scores;
    private final int[] ids;
    private int size;

    TopK(int capacity, boolean preferLowerId) {
        this.capacity = capacity;
        this.preferLowerId = preferLowerId;
        this.scores = new float[capacity];
        this.ids = new int[capacity];
    }

    int size() {
        return size;
    }

    /** Whether {@code (s1, id1)} ranks above {@code (s2, id2)}. */
    private boolean better(float s1, int id1, float s2, int id2) {
        return s1 > s2 || (s1 == s2 && (preferLowerId ? id1 < id2 : id1 > id2));
    }

    void offer(float score, int id) {
        if (size < capacity) {
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!better(scores[parent], ids[parent], score, id)) {
                    break;
                }
                scores[i] = scores[parent];
                ids[i] = ids[parent];
                i = parent;
            }
            scores[i] = score;
            ids[i] = id;
        } else if (capacity > 0 && better(score, id, scores[0], ids[0])) {
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && better(scores[child], ids[child], scores[child + 1], ids[child + 1])) {
                    child++;
                }
                if (!better(score, id, scores[child], ids[child])) {
                    break;
                }
                scores[i] = scores[child];
                ids[i] = ids[child];
                i = child;
            }
            scores[i] = score;
            ids[i] = id;
        }
    }

    void addAll(TopK other) {
        for (int i = 0; i < other.size; i++) {
            offer(other.scores[i], other.ids[i]);
        }
    }

    /** The kept ids in ascending order, each with its score at the same index of {@code scoresOut}. */
    int[] idsAscending(float[] scoresOut) {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(ids[a], ids[b]));
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = ids[order[i]];
            scoresOut[i] = scores[order[i]];
        }
        return out;
    }

    /** The kept entries best first. */
    int[] idsBestFirst(float[] scoresOut) {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> better(scores[a], ids[a], scores[b], ids[b]) ? -1
                : better(scores[b], ids[b], scores[a], ids[a]) ? 1 : 0);
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = ids[order[i]];
            scoresOut[i] = scores[order[i]];
        }
        return out;
    }
}
