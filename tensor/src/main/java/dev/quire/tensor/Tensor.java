package dev.quire.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A row-major, contiguous float32 tensor on the heap, with reverse-mode automatic differentiation.
 *
 * <p>Every operation returns a new tensor ({@link #reshape} may share the data array). When
 * {@link Grad#enabled()} and some input {@link #requiresGrad()}, the result records its inputs and a
 * {@link Backward} closure; {@link #backward()} on a scalar then runs those closures in reverse
 * topological order, accumulating ({@code +=}) into {@link #grad()} of every leaf that requires grad.
 *
 * <p>This class is a facade: the operations live in package-private classes by family
 * ({@link ElementwiseOps}, {@link MatMulOps}, {@link ShapeOps}, {@link ReduceOps}, {@link NnOps}).
 *
 * <p>Not thread-safe for concurrent mutation; concurrent reads of a finished tensor are fine.
 */
public final class Tensor {

    /** The backward closure of an operation: reads the output gradient, adds into its inputs' grads. */
    @FunctionalInterface
    public interface Backward {
        /**
         * Adds this operation's contribution to every input that requires grad, through
         * {@link Tensor#gradForAccumulation()}. {@code gradOut} has the output's shape; do not modify it.
         */
        void accumulate(float[] gradOut);
    }

    /** The GELU variant: PyTorch's {@code approximate="none"} ({@link #EXACT}) or {@code "tanh"}. */
    public enum Gelu {
        /** {@code x * Φ(x)} with the exact normal CDF (erf). */
        EXACT,
        /** {@code 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³)))}. */
        TANH;

        /**
         * {@code value[i] = gelu(x[i])} and {@code slope[i] = gelu'(x[i])} for every i of x, in one pass
         * and in parallel: for a layer that recomputes its GELU in the backward pass and needs both.
         * Bit for bit the values of {@link Tensor#gelu(Gelu)}, and {@link #applySlope} with this slope
         * gives the bits of its backward pass. {@code slope} may be {@code x} itself (each element is read
         * before it is overwritten), for a caller that needs the slope but not x afterwards.
         */
        public void valueAndSlope(float[] x, float[] value, float[] slope) {
            if (value.length < x.length || slope.length < x.length) {
                throw new IllegalArgumentException("Gelu.valueAndSlope: x has " + x.length + " elements but value has "
                        + value.length + " and slope " + slope.length);
            }
            boolean exact = this == EXACT;
            Parallel.forRange(x.length, NnOps.GELU_GRAIN, (i0, i1) ->
                    VectorMath.gelu(VectorMath.GELU_VALUE_AND_SLOPE, x, value, slope, i0, i1, exact));
        }

        /**
         * {@code gradInput[i] += gradOutput[i] · slope[i]} (one fma each) for i below {@code slope.length}:
         * the chain rule through an elementwise function whose slope was stored by {@link #valueAndSlope}.
         */
        public static void applySlope(float[] slope, float[] gradOutput, float[] gradInput) {
            if (gradOutput.length < slope.length || gradInput.length < slope.length) {
                throw new IllegalArgumentException("Gelu.applySlope: slope has " + slope.length
                        + " elements but gradOutput has " + gradOutput.length + " and gradInput " + gradInput.length);
            }
            Parallel.forRange(slope.length, ElementwiseOps.GRAIN, (i0, i1) -> VectorMath.fmaInto(slope, gradOutput, gradInput, i0, i1));
        }
    }

    final float[] data;
    final int[] shape;
    /** Lazily allocated, same length as data. */
    float[] grad;
    boolean requiresGrad;
    /** Non-null only for results that recorded history. */
    final Tensor[] inputs;
    final Backward backward;

    private Tensor(float[] data, int[] shape, boolean requiresGrad, Tensor[] inputs, Backward backward) {
        this.data = data;
        this.shape = shape;
        this.requiresGrad = requiresGrad;
        this.inputs = inputs;
        this.backward = backward;
    }

    // ---------------------------------------------------------------------------------------------
    // Creation

    /** Wraps {@code data} (no copy) as a tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.size(s);
        if (data.length != n) {
            throw new IllegalArgumentException("Tensor.of: data has " + data.length + " elements but shape "
                    + Shapes.str(s) + " needs " + n);
        }
        return new Tensor(data, s, false, null, null);
    }

    public static Tensor zeros(int... shape) {
        return of(new float[Shapes.size(shape)], shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shapes.size(shape)];
        Arrays.fill(d, value);
        return of(d, shape);
    }

    /** A rank-0 tensor (shape {@code []}) holding one value. */
    public static Tensor scalar(float value) {
        return of(new float[] {value});
    }

    /** Samples from normal(0, std²) using {@code rng.nextGaussian()}, in row-major order. */
    public static Tensor randn(RandomGenerator rng, float std, int... shape) {
        float[] d = new float[Shapes.size(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rng.nextGaussian() * std);
        }
        return of(d, shape);
    }

    /** A leaf that requires grad (a trainable parameter); wraps {@code data} without copying. */
    public static Tensor parameter(float[] data, int... shape) {
        Tensor t = of(data, shape);
        t.requiresGrad = true;
        return t;
    }

    /**
     * Creates the result of a custom operation. It records {@code inputs} and {@code backward} only when
     * {@link Grad#enabled()} and some input requires grad; otherwise it is a plain tensor.
     */
    public static Tensor fromOp(float[] data, int[] shape, Tensor[] inputs, Backward backward) {
        int[] s = shape.clone();
        if (data.length != Shapes.size(s)) {
            throw new IllegalArgumentException("Tensor.fromOp: data has " + data.length + " elements but shape "
                    + Shapes.str(s) + " needs " + Shapes.size(s));
        }
        return result(data, s, inputs, backward);
    }

    /** Internal constructor of op results: {@code shape} is owned (not copied). */
    static Tensor result(float[] data, int[] shape, Tensor[] inputs, Backward backward) {
        if (Grad.enabled()) {
            for (Tensor in : inputs) {
                if (in != null && in.requiresGrad) {
                    return new Tensor(data, shape, true, inputs.clone(), backward);
                }
            }
        }
        return new Tensor(data, shape, false, null, null);
    }

    static Tensor result(float[] data, int[] shape, Tensor input, Backward backward) {
        if (input.requiresGrad && Grad.enabled()) {
            return new Tensor(data, shape, true, new Tensor[] {input}, backward);
        }
        return new Tensor(data, shape, false, null, null);
    }

    // ---------------------------------------------------------------------------------------------
    // Inspection

    public int[] shape() {
        return shape.clone();
    }

    /** Size of one axis; negative axes count from the end. */
    public int dim(int axis) {
        return shape[Shapes.axis("dim", axis, shape)];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    /** The live backing array, row-major. Writing to it changes the tensor (and any reshape of it). */
    public float[] data() {
        return data;
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (data.length != 1) {
            throw new IllegalStateException("item: tensor of shape " + Shapes.str(shape) + " has " + data.length
                    + " elements, not 1");
        }
        return data[0];
    }

    /** The element at a full index (negative indices count from the end). */
    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: index " + Arrays.toString(index) + " has " + index.length
                    + " components for shape " + Shapes.str(shape));
        }
        int off = 0;
        for (int i = 0; i < index.length; i++) {
            int ix = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (ix < 0 || ix >= shape[i]) {
                throw new IndexOutOfBoundsException("get: index " + Arrays.toString(index) + " out of range for shape "
                        + Shapes.str(shape));
            }
            off = off * shape[i] + ix;
        }
        return data[off];
    }

    /** The live gradient array (same length as data), or null before any gradient reached this tensor. */
    public float[] grad() {
        return grad;
    }

    /** The gradient array, allocated (zeros) on first use: what {@link Backward}s add into. */
    public float[] gradForAccumulation() {
        float[] g = grad;
        if (g == null) {
            g = GradPool.zeroed(data.length);
            grad = g;
        }
        return g;
    }

    /**
     * Drops the gradient: {@link #grad()} is null until the next backward pass reaches this tensor.
     * As PyTorch's {@code zero_grad(set_to_none=True)}, so an optimizer can tell a parameter that got
     * no gradient (frozen, unused) from one whose gradient is zero, and skips it.
     */
    public void zeroGrad() {
        grad = null;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as trainable (or not); fails on results of operations. Returns this. */
    public Tensor requiresGrad(boolean requires) {
        if (inputs != null) {
            throw new IllegalStateException("requiresGrad(boolean) is for leaves; this tensor " + Shapes.str(shape)
                    + " is the result of an operation (use detach() first)");
        }
        this.requiresGrad = requires;
        return this;
    }

    /** The same data (shared) with no history and no gradient. */
    public Tensor detach() {
        return new Tensor(data, shape, false, null, null);
    }

    // ---------------------------------------------------------------------------------------------
    // Autograd

    /**
     * Backpropagates from this one-element tensor: seeds its gradient with 1 and runs every recorded
     * backward closure in reverse topological order. Gradients of leaves accumulate across calls;
     * gradients of intermediate results are released once used (as in PyTorch), so calling
     * {@code backward()} twice on the same graph adds the same gradient twice to the leaves.
     */
    public void backward() {
        if (data.length != 1) {
            throw new IllegalStateException("backward: needs a one-element tensor, this one has shape "
                    + Shapes.str(shape));
        }
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this tensor does not require grad (no input required grad,"
                    + " or it was computed with Grad disabled)");
        }
        List<Tensor> order = topologicalOrder(this);
        if (inputs != null) {
            grad = null; // a fresh seed for intermediate roots
        }
        gradForAccumulation()[0] += 1f;
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            if (t.inputs == null) {
                continue; // a leaf: keep its gradient
            }
            float[] g = t.grad;
            t.grad = null; // release intermediate gradients (and make a second backward() start clean)
            if (g != null) {
                t.backward.accumulate(g);
                // Nothing else holds an intermediate's gradient (closures only read it while they run):
                // its array serves a gradient further down the graph, or in the next backward pass.
                GradPool.release(g);
            }
        }
        Arena.backwardDone();
    }

    /** Post-order of the graph below root (inputs before results), restricted to tensors requiring grad. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        // Iterative DFS: graphs of long training unrolls would overflow the call stack.
        ArrayDeque<Tensor> nodes = new ArrayDeque<>();
        ArrayDeque<Integer> nextInput = new ArrayDeque<>();
        nodes.push(root);
        nextInput.push(0);
        seen.put(root, Boolean.TRUE);
        while (!nodes.isEmpty()) {
            Tensor t = nodes.peek();
            int i = nextInput.pop();
            if (t.inputs != null && i < t.inputs.length) {
                nextInput.push(i + 1);
                Tensor in = t.inputs[i];
                if (in != null && in.requiresGrad && seen.put(in, Boolean.TRUE) == null) {
                    nodes.push(in);
                    nextInput.push(0);
                }
            } else {
                nodes.pop();
                order.add(t);
            }
        }
        return order;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shapes.str(shape)).append(" [");
        int n = Math.min(data.length, 8);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(data[i]);
        }
        if (data.length > n) {
            sb.append(", ... (").append(data.length).append(" values)");
        }
        sb.append(']');
        if (requiresGrad) {
            sb.append(inputs == null ? " requiresGrad" : " (with history)");
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Arithmetic (NumPy broadcasting)

    public Tensor add(Tensor other) {
        return ElementwiseOps.binary(ElementwiseOps.Binary.ADD, this, other);
    }

    public Tensor sub(Tensor other) {
        return ElementwiseOps.binary(ElementwiseOps.Binary.SUB, this, other);
    }

    public Tensor mul(Tensor other) {
        return ElementwiseOps.binary(ElementwiseOps.Binary.MUL, this, other);
    }

    public Tensor div(Tensor other) {
        return ElementwiseOps.binary(ElementwiseOps.Binary.DIV, this, other);
    }

    public Tensor add(float value) {
        return ElementwiseOps.addScalar(this, value);
    }

    public Tensor mul(float value) {
        return ElementwiseOps.mulScalar(this, value);
    }

    public Tensor neg() {
        return ElementwiseOps.mulScalar(this, -1f);
    }

    public Tensor exp() {
        return ElementwiseOps.unary(ElementwiseOps.Unary.EXP, this, 0f);
    }

    public Tensor log() {
        return ElementwiseOps.unary(ElementwiseOps.Unary.LOG, this, 0f);
    }

    public Tensor sqrt() {
        return ElementwiseOps.unary(ElementwiseOps.Unary.SQRT, this, 0f);
    }

    public Tensor tanh() {
        return ElementwiseOps.unary(ElementwiseOps.Unary.TANH, this, 0f);
    }

    public Tensor square() {
        return ElementwiseOps.unary(ElementwiseOps.Unary.SQUARE, this, 0f);
    }

    public Tensor pow(float exponent) {
        return ElementwiseOps.unary(ElementwiseOps.Unary.POW, this, exponent);
    }

    // ---------------------------------------------------------------------------------------------
    // Linear algebra

    /** {@code [..., M, K] @ [..., K, N] -> [..., M, N]}; batch dims broadcast, a 2-D right side is shared. */
    public Tensor matmul(Tensor b) {
        return MatMulOps.matmul(this, b, false);
    }

    /** {@code [..., M, K] @ [..., N, K]ᵀ -> [..., M, N]} without materializing the transpose. */
    public Tensor matmulTransposed(Tensor b) {
        return MatMulOps.matmul(this, b, true);
    }

    /** {@code x [..., in], weight [out, in], bias [out] or null -> [..., out]} (PyTorch's nn.Linear). */
    public Tensor linear(Tensor weight, Tensor bias) {
        return MatMulOps.linear(this, weight, bias);
    }

    // ---------------------------------------------------------------------------------------------
    // Shape

    /** Same data (shared), new shape; one dimension may be {@code -1} (inferred). */
    public Tensor reshape(int... newShape) {
        return ShapeOps.reshape(this, newShape);
    }

    /** Same as {@link #reshape}. */
    public Tensor view(int... newShape) {
        return ShapeOps.reshape(this, newShape);
    }

    /** Swaps two axes (materializes the result). */
    public Tensor transpose(int axisA, int axisB) {
        return ShapeOps.transpose(this, axisA, axisB);
    }

    /** Reorders axes: result axis i is input axis {@code axes[i]} (materializes the result). */
    public Tensor permute(int... axes) {
        return ShapeOps.permute(this, axes);
    }

    /** Splits along an axis into parts of the given sizes (which must add up to the axis size). */
    public Tensor[] split(int axis, int... sizes) {
        return ShapeOps.split(this, axis, sizes);
    }

    /** {@code torch.chunk}: parts of size ceil(dim / parts) (the last may be smaller). */
    public Tensor[] chunk(int axis, int parts) {
        return ShapeOps.chunk(this, axis, parts);
    }

    /** Joins tensors of equal shape except along {@code axis}. */
    public static Tensor concat(int axis, Tensor... parts) {
        return ShapeOps.concat(axis, parts);
    }

    /** Joins tensors of equal shape along a new axis. */
    public static Tensor stack(int axis, Tensor... parts) {
        return ShapeOps.stack(axis, parts);
    }

    /** Indices {@code [start, end)} along an axis (copied). */
    public Tensor slice(int axis, int start, int end) {
        return ShapeOps.slice(this, axis, start, end);
    }

    // ---------------------------------------------------------------------------------------------
    // Reductions

    /** Sum of all elements (a rank-0 tensor); deterministic fixed-chunk summation. */
    public Tensor sum() {
        return ReduceOps.sumAll(this, false);
    }

    public Tensor mean() {
        return ReduceOps.sumAll(this, true);
    }

    public Tensor sum(int axis, boolean keepDim) {
        return ReduceOps.sumAxis(this, axis, keepDim, false);
    }

    public Tensor mean(int axis, boolean keepDim) {
        return ReduceOps.sumAxis(this, axis, keepDim, true);
    }

    /** Maximum along an axis; the gradient goes to the (first) arg-max. */
    public Tensor max(int axis, boolean keepDim) {
        return ReduceOps.max(this, axis, keepDim);
    }

    // ---------------------------------------------------------------------------------------------
    // Neural-network functions

    public Tensor softmax(int axis) {
        return NnOps.softmax(this, axis, false);
    }

    public Tensor logSoftmax(int axis) {
        return NnOps.softmax(this, axis, true);
    }

    /** Layer normalization over the last axis; weight and bias ({@code [C]}) may be null. */
    public Tensor layerNorm(Tensor weight, Tensor bias, float eps) {
        return NnOps.layerNorm(this, weight, bias, eps);
    }

    /** Exact GELU, {@code x Φ(x)}. */
    public Tensor gelu() {
        return NnOps.gelu(this, Gelu.EXACT);
    }

    public Tensor gelu(Gelu approximation) {
        return NnOps.gelu(this, approximation);
    }

    public Tensor relu() {
        return NnOps.relu(this);
    }

    /** Where the mask (broadcast against this tensor's shape) is true, the value; elsewhere this tensor. */
    public Tensor maskedFill(boolean[] mask, int[] maskShape, float value) {
        return NnOps.maskedFill(this, mask, maskShape, value);
    }

    /** On {@code [..., Tq, Tk]}: entries with key index > query index + (Tk − Tq) become {@code value}. */
    public Tensor causalMask(float value) {
        return NnOps.causalMask(this, value);
    }

    /**
     * Mean cross-entropy of logits {@code [..., V]} (flattened to {@code [N, V]}) against {@code targets}
     * (length N), skipping {@code ignoreIndex}; PyTorch's {@code cross_entropy} with label smoothing.
     */
    public Tensor crossEntropy(int[] targets, int ignoreIndex, float labelSmoothing) {
        return NnOps.crossEntropy(this, targets, ignoreIndex, labelSmoothing);
    }

    /**
     * {@code log softmax(this)[..., target]} for logits {@code [..., V]} and one target per row: {@code [...]}
     * (PyTorch's {@code log_softmax(x, -1).gather(-1, t)}), 0 where the target is {@code ignoreIndex}.
     * Sequence log-likelihoods for fine-tuning and alignment are sums of these.
     */
    public Tensor targetLogProbs(int[] targets, int ignoreIndex) {
        return NnOps.targetLogProbs(this, targets, ignoreIndex);
    }

    /** Rows of {@code weight [V, C]} picked by {@code ids}: {@code [...idShape, C]}. */
    public static Tensor embedding(Tensor weight, int[] ids, int... idShape) {
        return NnOps.embedding(weight, ids, idShape);
    }

    /** Inverted dropout: zero with probability p, scale survivors by 1/(1-p); identity unless training. */
    public Tensor dropout(float p, RandomGenerator rng, boolean training) {
        return NnOps.dropout(this, p, rng, training);
    }
}
