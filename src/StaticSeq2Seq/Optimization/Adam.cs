using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using StaticSeq2Seq.Parameters;

namespace StaticSeq2Seq.Optimization;

/// <summary>
/// Adam, as <c>torch.optim.Adam</c> computes it: moving averages of the gradient and of its square, bias
/// correction, and optional weight decay, either as PyTorch's L2 term added to the gradient or decoupled as
/// in AdamW (see <see cref="AdamW"/>).
/// </summary>
/// <remarks>
/// The hyperparameters other than the learning rate are doubles, as PyTorch holds them, so that the scalars
/// derived from them (such as <c>1 - β₁</c> and the bias corrections) round exactly as PyTorch's do.
/// </remarks>
public class Adam : IOptimizer, IElementwiseOptimizer
{
    private readonly AlignedBuffer firstMoments;
    private readonly AlignedBuffer secondMoments;
    private long stepCount;
    private float learningRate;
    // The scalars of the step in progress, fixed by BeginStep for every slice of it.
    private AdamStep currentStep;
    private float decoupledDecayFactor;
    private float l2WeightDecay;

    /// <summary>Creates Adam state for <paramref name="parameterCount"/> parameters, all moments zero.</summary>
    /// <param name="parameterCount">The model's <see cref="ParameterLayout.ParameterCount"/>.</param>
    /// <param name="learningRate">PyTorch's <c>lr</c>.</param>
    /// <param name="beta1">Decay of the gradient's moving average, PyTorch's <c>betas[0]</c>.</param>
    /// <param name="beta2">Decay of the squared gradient's moving average, PyTorch's <c>betas[1]</c>.</param>
    /// <param name="epsilon">Added to the denominator for stability, PyTorch's <c>eps</c>.</param>
    /// <param name="weightDecay">PyTorch's <c>weight_decay</c>; 0 turns it off.</param>
    /// <param name="decoupledWeightDecay">
    /// False for PyTorch's Adam, which adds <c>weightDecay × θ</c> to the gradient; true for AdamW, which
    /// multiplies <c>θ</c> by <c>1 - learningRate × weightDecay</c> before the update.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A count or rate is negative, or a beta lies outside [0, 1).</exception>
    public Adam(
        int parameterCount,
        float learningRate = 1e-3f,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8,
        double weightDecay = 0.0,
        bool decoupledWeightDecay = false)
    {
        OptimizerGuard.CheckParameterCount(parameterCount);
        OptimizerGuard.CheckLearningRate(learningRate);
        OptimizerGuard.CheckFraction(beta1, nameof(beta1));
        OptimizerGuard.CheckFraction(beta2, nameof(beta2));
        OptimizerGuard.CheckNonNegative(epsilon, nameof(epsilon));
        OptimizerGuard.CheckNonNegative(weightDecay, nameof(weightDecay));
        ParameterCount = parameterCount;
        this.learningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        DecoupledWeightDecay = decoupledWeightDecay;
        firstMoments = new AlignedBuffer(parameterCount);
        secondMoments = new AlignedBuffer(parameterCount);
    }

    /// <inheritdoc/>
    public int ParameterCount { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
    public float LearningRate
    {
        get => learningRate;
        set
        {
            OptimizerGuard.CheckLearningRate(value);
            learningRate = value;
        }
    }

    /// <summary>Decay of the gradient's moving average (β₁).</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the squared gradient's moving average (β₂).</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator for stability (ε).</summary>
    public double Epsilon { get; }

    /// <summary>The weight decay factor; 0 when off.</summary>
    public double WeightDecay { get; }

    /// <summary>True when weight decay is decoupled from the gradient, as in AdamW.</summary>
    public bool DecoupledWeightDecay { get; }

    /// <inheritdoc/>
    /// <remarks>Settable so that a checkpoint can restore it together with the moments; the bias corrections depend on it.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long StepCount
    {
        get => stepCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            stepCount = value;
        }
    }

    /// <summary>The moving average of the gradient, PyTorch's <c>exp_avg</c>, in the parameters' layout.</summary>
    public Span<float> FirstMoments => firstMoments.Span;

    /// <summary>The moving average of the squared gradient, PyTorch's <c>exp_avg_sq</c>, in the parameters' layout.</summary>
    public Span<float> SecondMoments => secondMoments.Span;

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        IElementwiseOptimizer sliced = this;
        sliced.BeginStep(parameters.Length, gradients.Length);
        sliced.StepSlice(parameters, gradients, 0);
    }

    void IElementwiseOptimizer.BeginStep(int parameterCount, int gradientCount)
    {
        OptimizerGuard.CheckStepSpans(ParameterCount, parameterCount, gradientCount);
        stepCount++;

        // The scalars are derived in double, as PyTorch derives them in Python, and rounded to float once.
        double lr = learningRate;
        currentStep = new AdamStep(
            firstMomentWeight: (float)(1.0 - Beta1),
            beta2: (float)Beta2,
            oneMinusBeta2: (float)(1.0 - Beta2),
            negativeStepSize: (float)-(lr / (1.0 - Math.Pow(Beta1, stepCount))),
            biasCorrection2Sqrt: (float)Math.Sqrt(1.0 - Math.Pow(Beta2, stepCount)),
            epsilon: (float)Epsilon);
        decoupledDecayFactor = DecoupledWeightDecay && WeightDecay != 0.0 ? (float)(1.0 - lr * WeightDecay) : 1f;
        l2WeightDecay = DecoupledWeightDecay ? 0f : (float)WeightDecay;
    }

    void IElementwiseOptimizer.StepSlice(Span<float> parameters, ReadOnlySpan<float> gradients, int start)
    {
        if (decoupledDecayFactor != 1f)
        {
            TensorPrimitives.Multiply(parameters, decoupledDecayFactor, parameters);
        }
        var length = parameters.Length;
        currentStep.Apply(parameters, gradients, FirstMoments.Slice(start, length), SecondMoments.Slice(start, length), l2WeightDecay);
    }

    /// <summary>One step's scalars and the fused element-wise update, one pass over the four buffers.</summary>
    private readonly struct AdamStep(
        float firstMomentWeight,
        float beta2,
        float oneMinusBeta2,
        float negativeStepSize,
        float biasCorrection2Sqrt,
        float epsilon)
    {
        // PyTorch, per element:  g += wd·θ;  m = m + (1-β₁)(g - m);  v = v·β₂ + (1-β₂)·g·g;
        // θ = θ + (-step_size · m) / (sqrt(v) / sqrt(bc₂) + ε).  The vector and scalar paths round alike.
        public void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, float l2WeightDecay)
        {
            ref var p0 = ref MemoryMarshal.GetReference(parameters);
            ref var g0 = ref MemoryMarshal.GetReference(gradients);
            ref var m0 = ref MemoryMarshal.GetReference(m);
            ref var v0 = ref MemoryMarshal.GetReference(v);
            var length = (nuint)parameters.Length;
            nuint i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var wd = new Vector<float>(l2WeightDecay);
                var w1 = new Vector<float>(firstMomentWeight);
                var b2 = new Vector<float>(beta2);
                var c2 = new Vector<float>(oneMinusBeta2);
                var stepSize = new Vector<float>(negativeStepSize);
                var bc2 = new Vector<float>(biasCorrection2Sqrt);
                var eps = new Vector<float>(epsilon);
                for (; i + (nuint)Vector<float>.Count <= length; i += (nuint)Vector<float>.Count)
                {
                    var p = Vector.LoadUnsafe(ref p0, i);
                    var g = Vector.LoadUnsafe(ref g0, i);
                    if (l2WeightDecay != 0f)
                    {
                        g += wd * p;
                    }
                    var mi = Vector.LoadUnsafe(ref m0, i);
                    mi += w1 * (g - mi);
                    var vi = Vector.LoadUnsafe(ref v0, i) * b2 + c2 * g * g;
                    var denominator = Vector.SquareRoot(vi) / bc2 + eps;
                    (p + stepSize * mi / denominator).StoreUnsafe(ref p0, i);
                    mi.StoreUnsafe(ref m0, i);
                    vi.StoreUnsafe(ref v0, i);
                }
            }
            for (; i < length; i++)
            {
                ref var p = ref Unsafe.Add(ref p0, i);
                var g = Unsafe.Add(ref g0, i);
                if (l2WeightDecay != 0f)
                {
                    g += l2WeightDecay * p;
                }
                ref var mi = ref Unsafe.Add(ref m0, i);
                ref var vi = ref Unsafe.Add(ref v0, i);
                mi += firstMomentWeight * (g - mi);
                vi = vi * beta2 + oneMinusBeta2 * g * g;
                var denominator = MathF.Sqrt(vi) / biasCorrection2Sqrt + epsilon;
                p += negativeStepSize * mi / denominator;
            }
        }
    }
}
