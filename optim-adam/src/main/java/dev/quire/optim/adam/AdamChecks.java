package dev.quire.optim.adam;

/** The checks of {@code torch.optim.Adam/AdamW.__init__}, shared by both options records. */
final class AdamChecks {

    private AdamChecks() {
    }

    static void check(String optimizerId, double lr, double beta1, double beta2, double eps, double weightDecay) {
        // Written as !(x >= 0) so that NaN is refused too; infinities are refused because no run survives them.
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw invalid(optimizerId, "lr", "a finite number >= 0", lr);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw invalid(optimizerId, "beta1", "in [0, 1)", beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw invalid(optimizerId, "beta2", "in [0, 1)", beta2);
        }
        // PyTorch accepts eps = 0; we do not, since then an element whose gradient has always been 0 gets 0/0 = NaN.
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw invalid(optimizerId, "eps", "a finite number > 0", eps);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw invalid(optimizerId, "weightDecay", "a finite number >= 0", weightDecay);
        }
    }

    private static IllegalArgumentException invalid(String optimizerId, String option, String allowed, double value) {
        return new IllegalArgumentException(optimizerId + " option '" + option + "' must be " + allowed + ", got " + value);
    }
}
