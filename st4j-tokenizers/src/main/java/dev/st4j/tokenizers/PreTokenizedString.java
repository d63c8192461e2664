package dev.st4j.tokenizers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** The text cut into pieces: pre-tokenizers split the pieces not yet tokenized, the model then tokenizes each. */
public final class PreTokenizedString {
    /** One piece, with its tokens once something (an added token, the model) has assigned them. */
    public static final class Split {
        public final NormalizedString normalized;
        List<Token> tokens;

        Split(NormalizedString normalized, List<Token> tokens) {
            this.normalized = normalized;
            this.tokens = tokens;
        }
    }

    private List<Split> splits;

    PreTokenizedString(List<Split> splits) {
        this.splits = splits;
    }

    /** The pieces in order. */
    public List<Split> splits() {
        return splits;
    }

    /** Replaces every piece not yet tokenized by the pieces {@code f} makes of it (empty pieces dropped). */
    public void split(Function<NormalizedString, List<NormalizedString>> f) {
        List<Split> out = new ArrayList<>(splits.size() * 2);
        for (Split s : splits) {
            if (s.tokens != null) {
                out.add(s);
                continue;
            }
            for (NormalizedString piece : f.apply(s.normalized)) {
                if (!piece.isEmpty()) {
                    out.add(new Split(piece, null));
                }
            }
        }
        splits = out;
    }

    /** Rewrites every piece not yet tokenized in place. */
    public void normalize(Consumer<NormalizedString> f) {
        for (Split s : splits) {
            if (s.tokens == null) {
                f.accept(s.normalized);
            }
        }
    }

    /** The strings of the pieces (for tests and debugging). */
    public List<String> pieces() {
        return splits.stream().map(s -> s.normalized.get()).toList();
    }
}
