package dev.st4j.engine.kernels;

/**
 * The complementary error function for GELU. Uses the Chebyshev-fitted form
 * {@code erfc(z) = t * exp(-z*z + P(t))}, {@code t = 1 / (1 + z/2)} (Press et al., Numerical Recipes, 2nd ed.,
 * section 6.2), whose relative error is below 1.2e-7 for every {@code z >= 0}: well inside float precision,
 * unlike the 7.1.26 formula of Abramowitz and Stegun (absolute error 1.5e-7 on erf, too coarse near zero).
 * The same coefficients drive the vector kernel, so both paths agree.
 */
final class Erf {
    static final double FRAC_1_SQRT_2 = 0.7071067811865476;

    /** Coefficients of P(t), constant term first. */
    static final double[] P = {
        -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
        0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
    };

    private Erf() {}

    /** erfc(z) for {@code z >= 0}. */
    static double erfc(double z) {
        double t = 1.0 / (1.0 + 0.5 * z);
        double p = P[P.length - 1];
        for (int i = P.length - 2; i >= 0; i--) {
            p = p * t + P[i];
        }
        return t * Math.exp(-z * z + p);
    }
}
