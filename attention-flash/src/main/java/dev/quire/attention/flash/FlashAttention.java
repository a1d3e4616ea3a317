package dev.quire.attention.flash;

import static dev.quire.attention.flash.Tiles.L;

import dev.quire.api.Attention;
import dev.quire.api.AttentionDropout;
import dev.quire.api.AttentionMask;
import dev.quire.api.AttentionShape;
import dev.quire.api.AttentionResult;
import dev.quire.tensor.Arena;
import dev.quire.tensor.Parallel;
import dev.quire.tensor.Tensor;
import java.util.Arrays;

/**
 * FlashAttention on the CPU: {@code O = softmax(Q·Kᵀ·scale + mask)·V} computed tile by tile with an
 * online softmax, so that the {@code [Tq, Tk]} matrix of scores never exists, and a backward pass that
 * recomputes each tile from the saved log-sum-exp (FlashAttention-2). The same numbers as
 * {@code attention: standard} up to float32 rounding; less memory, and less work under a causal mask.
 *
 * <h2>Forward</h2>
 * One task per (batch, head, query tile of {@code Br} rows). The tile's queries are packed transposed
 * and pre-multiplied by {@code scale = 1/sqrt(D)}; then for every key tile of {@code Bc} keys that some
 * query of the tile can see:
 * <pre>
 *   S    = K_j·Q_iᵀ·scale                     [Bc, Br]   (masked entries −∞)
 *   m'   = max(m, rowmax(S));  α = exp(m − m')
 *   P    = exp(S − m')
 *   l    = α·l + rowsum(P)                  (rowsum compensated, l in double)
 *   O_i  = α·O_i + P·V_j                      (accumulated in place in the output rows)
 * </pre>
 * and finally {@code O_i /= l}, {@code lse = m + log(l)}. Key tiles wholly above the causal diagonal are
 * never visited; key tiles past a batch element's key length neither. Scores are laid out key-major
 * ({@code [Bc, Br]}), so the running maximum, sum and rescaling are vector operations across queries.
 * A query that sees no key keeps {@code m = −∞}, {@code l = 0}: its output is zeros and its log-sum-exp
 * {@code −∞}, never NaN.
 *
 * <h2>Backward</h2>
 * With {@code dO} the output gradient, per query {@code D = rowsum(dO∘O)} (computed as each query tile
 * is packed), and per pair of tiles:
 * <pre>
 *   P   = exp(S − lse)            recomputed from the saved log-sum-exp
 *   dV += Pᵀ·dO
 *   dP  = dO·Vᵀ
 *   dS  = P∘(dP − D)
 *   dQ += dS·K·scale
 *   dK += dSᵀ·Q·scale
 * </pre>
 * Every gradient element is owned by one task, so there are no races and no atomics, and the results
 * do not depend on the number of threads. When there are at least 4 (batch, key/value head) pairs, one task per pair walks all its query heads, query tiles and key tiles
 * and does all five products (it owns the pair's {@code dK, dV} and the {@code dQ} of the group's query
 * heads). With fewer pairs (grouped-query attention with one key/value head and batch 1, say) that
 * would leave threads idle, so the work is split in two passes instead: {@code dK, dV} by tasks over
 * (pair, range of key tiles), then {@code dQ} by tasks over (batch, head, query tile), each recomputing
 * {@code P} and {@code dP}. The choice depends on the shapes only.
 *
 * <h2>Dropout</h2>
 * With a dropout rate above 0 ({@link #forward(Tensor, Tensor, Tensor, AttentionMask, AttentionDropout)}),
 * the keep mask {@code M} of {@link AttentionDropout} is regenerated per tile from the indices (one
 * {@link AttentionDropout#rowKey} per query of the tile, then one hash per element), in the forward pass
 * and again in the backward pass; it is never stored. Forward: the running maximum and sum, and so the
 * log-sum-exp, are of the undropped {@code P}; only what is added into {@code O} is dropped,
 * {@code O_i = α·O_i + (P ∘ M / (1 − rate))·V_j}. Backward, per pair of tiles, with
 * {@code P̃ = P ∘ M / (1 − rate)}:
 * <pre>
 *   dV += P̃ᵀ·dO
 *   dS  = P∘(dP ∘ M / (1 − rate) − D)       (D = rowsum(dO∘O) still, since O = P̃·V)
 * </pre>
 * and dQ, dK as above. At rate 0 it is the undropped path, unchanged.
 *
 * <h2>Memory</h2>
 * Besides its results (the output {@code [B, H, Tq, D]} and log-sum-exp {@code [B, H, Tq]}, which it
 * keeps for the backward pass together with references to q, k and v), flash attention needs one
 * workspace per thread that runs it, kept between calls (a {@link ThreadLocal}, grown when a call needs
 * larger tiles):
 * <ul>
 *   <li>{@code qt}, the query tile transposed and scaled, and {@code dot}, the output-gradient tile
 *       transposed: {@code 2 × D × Br'} floats;</li>
 *   <li>{@code s}, scores then probabilities, and {@code dp}, {@code dP} then {@code dS}:
 *       {@code 2 × Bc × Br'} floats;</li>
 *   <li>per-query vectors (running maximum and sum, rescale factor, compensated tile sum, saved
 *       log-sum-exp, {@code D}): {@code 9 × Br'} floats;</li>
 *   <li>with dropout only, the mask's row keys: {@code Br'} longs;</li>
 * </ul>
 * where {@code Br'} is the query tile rounded up to the vector width. With the default 64 × 64 tiles
 * and {@code D = 64} that is 66 KiB per thread: {@code O(tile·(D + Bc))}, independent of {@code T},
 * where the standard implementation keeps {@code B·H·Tq·Tk} probabilities (and as many score
 * gradients during backward). The backward pass allocates nothing beyond the gradients themselves.
 *
 * <p>Thread-safe: it holds no state besides its options (the workspaces belong to threads).
 */
public final class FlashAttention implements Attention {

    /** How the backward pass is organized; tests pin it, production uses {@link #AUTO}. */
    enum BackwardPlan {
        /** {@link #FUSED} with at least {@code FUSED_MIN_UNITS} (batch, key/value head) pairs, else {@link #SPLIT}. */
        AUTO,
        /** One task per (batch, key/value head) computes dQ, dK and dV. */
        FUSED,
        /** dK, dV by (pair, key range), then dQ by (batch, head, query tile). */
        SPLIT
    }

    /** Fewest (batch, key/value head) pairs for the fused backward pass. */
    static final int FUSED_MIN_UNITS = 4;
    /** In the split backward pass, aim for at least this many dK/dV tasks. */
    static final int SPLIT_TARGET_UNITS = 16;

    private final FlashAttentionOptions options;
    private final BackwardPlan plan;

    /** Flash attention with the default tiles, {@link FlashAttentionOptions#DEFAULTS}. */
    public FlashAttention() {
        this(FlashAttentionOptions.DEFAULTS);
    }

    /** Flash attention with the given tiles. */
    public FlashAttention(FlashAttentionOptions options) {
        this(options, BackwardPlan.AUTO);
    }

    FlashAttention(FlashAttentionOptions options, BackwardPlan plan) {
        if (options == null || plan == null) {
            throw new IllegalArgumentException("attention flash: options must not be null");
        }
        this.options = options;
        this.plan = plan;
    }

    /** The tile sizes in use. */
    public FlashAttentionOptions options() {
        return options;
    }

    @Override
    public AttentionResult forward(Tensor q, Tensor k, Tensor v, AttentionMask mask) {
        return compute(q, k, v, mask, null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>At rate 0 this is {@link #forward(Tensor, Tensor, Tensor, AttentionMask)}; above, the mask is
     * regenerated tile by tile, in the forward and the backward pass, and never stored.
     */
    @Override
    public AttentionResult forward(Tensor q, Tensor k, Tensor v, AttentionMask mask, AttentionDropout dropout) {
        if (dropout == null) {
            throw new IllegalArgumentException("attention: dropout must not be null (use AttentionDropout.NONE)");
        }
        return compute(q, k, v, mask, dropout.active() ? dropout : null);
    }

    /** Forward, with {@code dropout} null for none. */
    private AttentionResult compute(Tensor q, Tensor k, Tensor v, AttentionMask mask, AttentionDropout dropout) {
        Dims d = Dims.of(q, k, v, mask, options);
        float[] qd = q.data();
        float[] kd = k.data();
        float[] vd = v.data();
        // From the caller's arena when one is active (a training step then reuses the arrays of the step
        // before instead of promoting ~6 MB of garbage per layer): contents undefined, every tile below
        // clears its rows of out and writes its log-sum-exps.
        float[] out = Arena.resultArray(d.queryCount());                // O [B, H, Tq, D]
        float[] lse = Arena.resultArray(d.batch * d.heads * d.queries); // [B, H, Tq]

        Parallel.forRange(d.batch * d.heads * d.queryTiles, (from, to) -> {
            Workspace ws = workspace(d);
            for (int u = from; u < to; u++) {
                int bh = u / d.queryTiles;
                forwardTile(d, ws, qd, kd, vd, out, lse, bh / d.heads, bh % d.heads, u % d.queryTiles, dropout);
            }
        });

        Tensor output = Tensor.fromOp(out, q.shape(), new Tensor[] {q, k, v},
                gradOut -> backward(d, q, k, v, out, lse, gradOut, dropout));
        return new AttentionResult(output, Tensor.of(lse, d.batch, d.heads, d.queries));
    }

    // ---------------------------------------------------------------------------------------------
    // Forward

    /** Computes the output rows and log-sum-exp of one query tile; {@code dropout} null for none. */
    private static void forwardTile(Dims d, Workspace ws, float[] qd, float[] kd, float[] vd, float[] out,
                                    float[] lse, int b, int h, int tile, AttentionDropout dropout) {
        int i0 = tile * d.queryTile;
        int br = Math.min(d.queryTile, d.queries - i0);
        int bh = b * d.heads + h;
        int qOff = (bh * d.queries + i0) * d.headDim;
        int kvOff = d.keyOffset(b, h / d.group);
        int lseOff = bh * d.queries + i0;
        int keyEnd = d.visibleEnd(b, i0, br);
        Arrays.fill(out, qOff, qOff + br * d.headDim, 0f); // O starts at zero (α·0 + P·V on the first key tile)
        if (keyEnd <= 0) {
            // No query of the tile sees a key: zero output, log-sum-exp −∞.
            Arrays.fill(lse, lseOff, lseOff + br, Float.NEGATIVE_INFINITY);
            return;
        }
        int ld = d.paddedTile;
        pack(qd, qOff, br, d.headDim, d.scale, ws.qt, ld);
        float[] s = ws.s;
        float[] m = ws.m;
        double[] l = ws.l;
        float[] alpha = ws.alpha;
        Arrays.fill(m, Float.NEGATIVE_INFINITY);
        Arrays.fill(l, 0);
        long[] rowKeys = dropout == null ? null : rowKeys(ws, dropout, b, h, i0, br);
        float keepScale = dropout == null ? 1f : dropout.keepScale();

        for (int j0 = 0; j0 < keyEnd; j0 += d.keyTile) {
            int bc = Math.min(d.keyTile, keyEnd - j0);
            int kOff = kvOff + j0 * d.headDim;
            Tiles.scoresT(kd, kOff, bc, d.headDim, ws.qt, s, ld);
            if (d.causal) {
                Tiles.maskCausal(s, bc, ld, j0 - d.offset - i0);
            }
            // Online softmax, a vector of queries at a time: new maxima, α = exp(m_old − m_new), P, rowsum(P).
            Tiles.runningMax(s, bc, ld, m, ws.shift, alpha);
            Tiles.expShifted(alpha, 1, ld, ws.shift, null, null, null, null, 0f);
            Tiles.expShifted(s, bc, ld, ws.shift, ws.tileSum, ws.tileLost, null, null, 0f);
            for (int r = 0; r < br; r++) {
                l[r] = l[r] * alpha[r] + ((double) ws.tileSum[r] - ws.tileLost[r]);
            }
            if (dropout != null) {
                // The sum above is of the undropped P; what goes into O is P ∘ M / (1 − rate).
                dropTile(s, bc, br, ld, dropout, rowKeys, j0, keepScale);
            }
            // O_i = α·O_i + P·V_j, rows of queries, P read as [Bc, Br'] transposed.
            Tiles.accumulate(s, 1, ld, br, bc, vd, kOff, d.headDim, out, qOff, alpha);
        }

        for (int r = 0; r < br; r++) {
            double sum = l[r];
            if (sum == 0) {
                lse[lseOff + r] = Float.NEGATIVE_INFINITY; // its output row is still all zeros
                continue;
            }
            float inv = (float) (1 / sum);
            int o = qOff + r * d.headDim;
            for (int c = 0; c < d.headDim; c++) {
                out[o + c] *= inv;
            }
            lse[lseOff + r] = (float) (m[r] + Math.log(sum));
        }
    }

    /**
     * The {@link AttentionDropout#rowKey}s of queries {@code i0 .. i0 + br} of head (b, h), in the
     * workspace (allocated on first use with dropout).
     */
    private static long[] rowKeys(Workspace ws, AttentionDropout dropout, int b, int h, int i0, int br) {
        if (ws.rowKeys == null || ws.rowKeys.length < br) {
            ws.rowKeys = new long[Math.max(br, ws.m.length)];
        }
        long[] keys = ws.rowKeys;
        for (int r = 0; r < br; r++) {
            keys[r] = dropout.rowKey(b, h, i0 + r);
        }
        return keys;
    }

    /**
     * {@code s[j][r] ·= M(i0 + r, j0 + j) / (1 − rate)} for keys {@code j < bc} and queries {@code r < br}
     * of a key-major tile: kept entries scaled by {@code keepScale}, dropped ones zero.
     */
    private static void dropTile(float[] s, int bc, int br, int ld, AttentionDropout dropout, long[] rowKeys,
                                 int j0, float keepScale) {
        for (int j = 0; j < bc; j++) {
            int o = j * ld;
            for (int r = 0; r < br; r++) {
                float p = s[o + r];
                if (p != 0f) {
                    s[o + r] = dropout.keeps(rowKeys[r], j0 + j) ? p * keepScale : 0f;
                }
            }
        }
    }

    /** Packs rows {@code [rows][d]} from {@code off} as {@code dst[x·ld + r] = src[r][x]·mul}, zero beyond rows. */
    private static void pack(float[] src, int off, int rows, int d, float mul, float[] dst, int ld) {
        for (int r = 0; r < rows; r++) {
            int o = off + r * d;
            for (int x = 0, w = r; x < d; x++, w += ld) {
                dst[w] = src[o + x] * mul;
            }
        }
        if (rows < ld) {
            for (int x = 0; x < d; x++) {
                Arrays.fill(dst, x * ld + rows, x * ld + ld, 0f);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Backward

    /** Adds the gradients of q, k and v given {@code dO = gradOut}. */
    private void backward(Dims d, Tensor q, Tensor k, Tensor v, float[] out, float[] lse, float[] gradOut,
                          AttentionDropout dropout) {
        // Allocate the gradient arrays here, once, never concurrently inside the parallel loops.
        Grads g = new Grads(q.data(), k.data(), v.data(), gradOut, out, lse,
                q.requiresGrad() ? q.gradForAccumulation() : null,
                k.requiresGrad() ? k.gradForAccumulation() : null,
                v.requiresGrad() ? v.gradForAccumulation() : null, dropout);
        boolean needKv = g.dk != null || g.dv != null;
        if (d.keys == 0 || d.queries == 0 || (!needKv && g.dq == null)) {
            return;
        }
        int pairs = d.batch * d.kvHeads;
        boolean fused = needKv && g.dq != null
                && (plan == BackwardPlan.FUSED || (plan == BackwardPlan.AUTO && pairs >= FUSED_MIN_UNITS));
        if (fused) {
            Parallel.forRange(pairs, (from, to) -> {
                Workspace ws = workspace(d);
                for (int u = from; u < to; u++) {
                    keyRange(d, ws, g, u / d.kvHeads, u % d.kvHeads, 0, d.keys, true);
                }
            });
            return;
        }
        if (needKv) {
            int keyTiles = (d.keys + d.keyTile - 1) / d.keyTile;
            int chunks = Math.min(keyTiles, (SPLIT_TARGET_UNITS + pairs - 1) / pairs);
            int tilesPerChunk = (keyTiles + chunks - 1) / chunks;
            int chunkCount = (keyTiles + tilesPerChunk - 1) / tilesPerChunk;
            int span = tilesPerChunk * d.keyTile;
            Parallel.forRange(pairs * chunkCount, (from, to) -> {
                Workspace ws = workspace(d);
                for (int u = from; u < to; u++) {
                    int pair = u / chunkCount;
                    int jFrom = (u % chunkCount) * span;
                    keyRange(d, ws, g, pair / d.kvHeads, pair % d.kvHeads, jFrom, Math.min(d.keys, jFrom + span), false);
                }
            });
        }
        if (g.dq != null) {
            Parallel.forRange(d.batch * d.heads * d.queryTiles, (from, to) -> {
                Workspace ws = workspace(d);
                for (int u = from; u < to; u++) {
                    int bh = u / d.queryTiles;
                    queryTileGradient(d, ws, g, bh / d.heads, bh % d.heads, u % d.queryTiles);
                }
            });
        }
    }

    /**
     * For keys {@code [jFrom, jTo)} of key/value head {@code kvHead}: adds dK and dV over every query of
     * every query head of its group, and (when {@code withDq}) those pairs' share of dQ.
     */
    private static void keyRange(Dims d, Workspace ws, Grads g, int b, int kvHead, int jFrom, int jTo, boolean withDq) {
        int keyEnd = Math.min(jTo, d.keyEnd(b));
        if (keyEnd <= jFrom) {
            return;
        }
        int kvOff = d.keyOffset(b, kvHead);
        // Causal: the first query tile containing a query that sees key jFrom.
        int firstTile = d.causal ? Math.max(0, Math.floorDiv(jFrom - d.offset, d.queryTile)) : 0;
        for (int h = kvHead * d.group; h < (kvHead + 1) * d.group; h++) {
            for (int tile = firstTile; tile < d.queryTiles; tile++) {
                int i0 = tile * d.queryTile;
                int br = Math.min(d.queryTile, d.queries - i0);
                int tileEnd = Math.min(keyEnd, d.visibleEnd(b, i0, br));
                if (tileEnd <= jFrom) {
                    continue;
                }
                int bh = b * d.heads + h;
                int qOff = (bh * d.queries + i0) * d.headDim;
                prepareBackward(d, ws, g, qOff, bh * d.queries + i0, br, b, h, i0);
                for (int j0 = jFrom; j0 < tileEnd; j0 += d.keyTile) {
                    backwardTile(d, ws, g, i0, br, qOff, j0, Math.min(d.keyTile, tileEnd - j0), kvOff,
                            g.dv != null, g.dk != null, withDq);
                }
            }
        }
    }

    /** dQ of one query tile over every key it sees (the second pass of the split plan). */
    private static void queryTileGradient(Dims d, Workspace ws, Grads g, int b, int h, int tile) {
        int i0 = tile * d.queryTile;
        int br = Math.min(d.queryTile, d.queries - i0);
        int keyEnd = d.visibleEnd(b, i0, br);
        if (keyEnd <= 0) {
            return;
        }
        int bh = b * d.heads + h;
        int qOff = (bh * d.queries + i0) * d.headDim;
        int kvOff = d.keyOffset(b, h / d.group);
        prepareBackward(d, ws, g, qOff, bh * d.queries + i0, br, b, h, i0);
        for (int j0 = 0; j0 < keyEnd; j0 += d.keyTile) {
            backwardTile(d, ws, g, i0, br, qOff, j0, Math.min(d.keyTile, keyEnd - j0), kvOff, false, false, true);
        }
    }

    /**
     * Packs a query tile (queries {@code i0 ..} of head (b, h)) for the backward pass: Q·scale and dO
     * transposed, its log-sum-exp and D = rowsum(dO∘O), and with dropout its rows' mask keys.
     */
    private static void prepareBackward(Dims d, Workspace ws, Grads g, int qOff, int lseOff, int br,
                                        int b, int h, int i0) {
        int ld = d.paddedTile;
        if (g.dropout != null) {
            rowKeys(ws, g.dropout, b, h, i0, br);
        }
        pack(g.q, qOff, br, d.headDim, d.scale, ws.qt, ld);
        pack(g.gradOut, qOff, br, d.headDim, 1f, ws.dot, ld);
        for (int r = 0; r < br; r++) {
            float l = g.lse[lseOff + r];
            // A query that saw no key: exp(S − ∞) = 0 gives it P = 0 and no gradient.
            ws.lse[r] = l == Float.NEGATIVE_INFINITY ? Float.POSITIVE_INFINITY : l;
            int o = qOff + r * d.headDim;
            double dot = 0;
            for (int c = 0; c < d.headDim; c++) {
                dot += (double) g.gradOut[o + c] * g.out[o + c];
            }
            ws.rowD[r] = (float) dot;
        }
        Arrays.fill(ws.lse, br, ld, Float.POSITIVE_INFINITY);
        Arrays.fill(ws.rowD, br, ld, 0f);
    }

    /** One (query tile, key tile) pair of the backward pass; the query tile is in {@code ws}. */
    private static void backwardTile(Dims d, Workspace ws, Grads g, int i0, int br, int qOff, int j0, int bc,
                                     int kvOff, boolean doDv, boolean doDk, boolean doDq) {
        int ld = d.paddedTile;
        int kOff = kvOff + j0 * d.headDim;
        float[] s = ws.s;
        float[] dp = ws.dp;
        Tiles.scoresT(g.k, kOff, bc, d.headDim, ws.qt, s, ld);    // S  = K_j·Q_iᵀ·scale  [Bc, Br']
        Tiles.scoresT(g.v, kOff, bc, d.headDim, ws.dot, dp, ld);  // dP = V_j·dO_iᵀ        [Bc, Br']
        if (d.causal) {
            Tiles.maskCausal(s, bc, ld, j0 - d.offset - i0);
        }
        if (g.dropout == null) {
            // P = exp(S − lse) and dS·scale = P∘(dP − D)·scale, in place.
            Tiles.expShifted(s, bc, ld, ws.lse, null, null, dp, ws.rowD, d.scale);
        } else {
            // P = exp(S − lse); then dS·scale = P∘(dP∘M/(1 − rate) − D)·scale and P̃ = P∘M/(1 − rate).
            Tiles.expShifted(s, bc, ld, ws.lse, null, null, null, null, 0f);
            dropBackwardTile(s, dp, bc, br, ld, g.dropout, ws.rowKeys, j0, ws.rowD, d.scale);
        }
        if (doDv) {
            Tiles.accumulate(s, ld, 1, bc, br, g.gradOut, qOff, d.headDim, g.dv, kOff, null);   // dV_j += Pᵀ·dO_i (P̃ with dropout)
        }
        if (doDk) {
            Tiles.accumulate(dp, ld, 1, bc, br, g.q, qOff, d.headDim, g.dk, kOff, null);        // dK_j += dSᵀ·Q_i
        }
        if (doDq) {
            Tiles.accumulate(dp, 1, ld, br, bc, g.k, kOff, d.headDim, g.dq, qOff, null);        // dQ_i += dS·K_j
        }
    }

    /**
     * With dropout, for keys {@code j < bc} and queries {@code r < br} of a key-major tile holding
     * {@code P} in {@code s} and {@code dP = dO·Vᵀ} in {@code dp}: {@code dp = P∘(dP∘M·keepScale − D)·scale}
     * (the score gradient, pre-scaled) and {@code s = P∘M·keepScale} (the dropped probabilities, for dV).
     * Entries with {@code P = 0} (masked, or beyond the tile's queries) get {@code dS = 0}.
     */
    private static void dropBackwardTile(float[] s, float[] dp, int bc, int br, int ld, AttentionDropout dropout,
                                         long[] rowKeys, int j0, float[] rowD, float scale) {
        float keepScale = dropout.keepScale();
        for (int j = 0; j < bc; j++) {
            int o = j * ld;
            for (int r = 0; r < br; r++) {
                float p = s[o + r];
                if (p == 0f) {
                    dp[o + r] = 0f;
                    continue;
                }
                float mk = dropout.keeps(rowKeys[r], j0 + j) ? keepScale : 0f;
                dp[o + r] = p * (dp[o + r] * mk - rowD[r]) * scale;
                s[o + r] = p * mk;
            }
            for (int r = br; r < ld; r++) {
                dp[o + r] = 0f;
            }
        }
    }

    /** What the backward pass reads and writes; {@code dropout} null for none. */
    private record Grads(float[] q, float[] k, float[] v, float[] gradOut, float[] out, float[] lse,
                         float[] dq, float[] dk, float[] dv, AttentionDropout dropout) {
    }

    /** Each thread's scratch, kept between calls and grown when a call needs more (see the class comment). */
    private static final ThreadLocal<Workspace> WORKSPACES = new ThreadLocal<>();

    /**
     * The calling thread's workspace, large enough for {@code d}. A chunk of a parallel loop takes it at
     * its start and is done with it at its end, and nothing inside a chunk starts another parallel loop
     * or attention call, so no two users on one thread overlap.
     */
    private static Workspace workspace(Dims d) {
        int ld = d.paddedTile;
        int tile = d.headDim * ld;
        int scores = Math.min(d.keyTile, Math.max(1, d.keys)) * ld;
        Workspace ws = WORKSPACES.get();
        if (ws == null || ws.qt.length < tile || ws.s.length < scores || ws.m.length < ld) {
            ws = ws == null ? new Workspace(tile, scores, ld)
                    : new Workspace(Math.max(tile, ws.qt.length), Math.max(scores, ws.s.length), Math.max(ld, ws.m.length));
            WORKSPACES.set(ws);
        }
        return ws;
    }

    /** One thread's scratch: a few tiles, independent of the sequence length. */
    private static final class Workspace {
        /** Query tile, transposed and scaled: {@code [D][Br']}. */
        final float[] qt;
        /** Output-gradient tile, transposed: {@code [D][Br']}. */
        final float[] dot;
        /** Scores, then probabilities: {@code [Bc][Br']}. */
        final float[] s;
        /** dP, then dS: {@code [Bc][Br']}. */
        final float[] dp;
        /** Per query of the tile: running max, rescale factor, shift, the tile's compensated sum. */
        final float[] m;
        final float[] alpha;
        final float[] shift;
        final float[] tileSum;
        final float[] tileLost;
        /** Per query: the running sum, in double. */
        final double[] l;
        /** Per query: saved log-sum-exp (+∞ for none) and rowsum(dO∘O). */
        final float[] lse;
        final float[] rowD;
        /** Per query: the dropout mask's row keys; allocated on the first call with dropout. */
        long[] rowKeys;

        Workspace(int tile, int scores, int ld) {
            qt = new float[tile];
            dot = new float[tile];
            s = new float[scores];
            dp = new float[scores];
            m = new float[ld];
            alpha = new float[ld];
            shift = new float[ld];
            tileSum = new float[ld];
            tileLost = new float[ld];
            l = new double[ld];
            lse = new float[ld];
            rowD = new float[ld];
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Checked sizes of one call, its mask and tiles, and the offsets of each (batch, head) block. */
    private record Dims(int batch, int heads, int kvHeads, int group, int queries, int keys, int headDim,
                        boolean causal, int[] keyLengths, int queryTile, int keyTile, int paddedTile,
                        int queryTiles, int offset, float scale) {

        static Dims of(Tensor q, Tensor k, Tensor v, AttentionMask mask, FlashAttentionOptions options) {
            AttentionShape s = AttentionShape.of(q, k, v, mask);
            int batch = s.batch();
            int heads = s.heads();
            int keys = s.keys();
            int[] keyLengths = mask.keyLengths();
            int queries = q.dim(2);
            int headDim = q.dim(3);
            long outputs = (long) batch * heads * queries * headDim;
            if (outputs > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("attention: the output of q " + shape(q) + " has " + outputs
                        + " elements, more than one array holds");
            }
            int queryTile = Math.min(options.queryTile(), Math.max(1, queries));
            int paddedTile = (queryTile + L - 1) / L * L;
            int queryTiles = (queries + queryTile - 1) / queryTile;
            return new Dims(batch, heads, s.kvHeads(), s.group(), queries, keys, headDim, mask.causal(), keyLengths,
                    queryTile, options.keyTile(), paddedTile, queryTiles, keys - queries,
                    (float) (1.0 / Math.sqrt(headDim)));
        }

        int queryCount() {
            return batch * heads * queries * headDim;
        }

        int keyOffset(int b, int g) {
            return (b * kvHeads + g) * keys * headDim;
        }

        /** Keys of batch element b that any query may see (its key length). */
        int keyEnd(int b) {
            return keyLengths == null ? keys : keyLengths[b];
        }

        /**
         * One past the last key that some query of rows {@code [i0, i0 + br)} sees (≤ 0 when none does):
         * the key length, and under a causal mask the position of the tile's last query, {@code Tk − Tq + i0 + br − 1}.
         */
        int visibleEnd(int b, int i0, int br) {
            int end = keyEnd(b);
            return causal ? Math.min(end, offset + i0 + br) : end;
        }

        private static String shape(Tensor t) {
            return Arrays.toString(t.shape());
        }
    }
}
