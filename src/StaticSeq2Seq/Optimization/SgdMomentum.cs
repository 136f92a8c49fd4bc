using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using StaticSeq2Seq.Parameters;

namespace StaticSeq2Seq.Optimization;

/// <summary>
/// Stochastic gradient descent with momentum, as <c>torch.optim.SGD</c> computes it with dampening 0 and
/// Nesterov off: the first step sets the momentum buffer to the gradient, later steps to
/// <c>momentum × buffer + gradient</c>, and the parameters move by <c>-learningRate × buffer</c>.
/// </summary>
public sealed class SgdMomentum : IOptimizer, IElementwiseOptimizer
{
    private readonly AlignedBuffer momentumBuffer;
    private long stepCount;
    private float learningRate;
    // The step in progress, fixed by BeginStep for every slice of it: whether it starts the momentum buffer afresh, and its rate.
    private bool startBuffer;
    private float negativeLearningRate;

    /// <summary>Creates SGD state for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="parameterCount">The model's <see cref="ParameterLayout.ParameterCount"/>.</param>
    /// <param name="learningRate">PyTorch's <c>lr</c>.</param>
    /// <param name="momentum">PyTorch's <c>momentum</c>; 0 gives plain SGD.</param>
    /// <param name="weightDecay">PyTorch's <c>weight_decay</c>: <c>weightDecay × θ</c> is added to the gradient; 0 turns it off.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or rate is negative, or the momentum lies outside [0, 1).</exception>
    public SgdMomentum(int parameterCount, float learningRate, double momentum = 0.9, double weightDecay = 0.0)
    {
        OptimizerGuard.CheckParameterCount(parameterCount);
        OptimizerGuard.CheckLearningRate(learningRate);
        OptimizerGuard.CheckFraction(momentum, nameof(momentum));
        OptimizerGuard.CheckNonNegative(weightDecay, nameof(weightDecay));
        ParameterCount = parameterCount;
        this.learningRate = learningRate;
        Momentum = momentum;
        WeightDecay = weightDecay;
        momentumBuffer = new AlignedBuffer(parameterCount);
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

    /// <summary>The momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>The L2 weight decay factor; 0 when off.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    /// <remarks>Settable so that a checkpoint can restore it with the buffer: at 0 the next step starts the buffer afresh.</remarks>
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

    /// <summary>The momentum buffer, PyTorch's <c>momentum_buffer</c>, in the parameters' layout.</summary>
    public Span<float> MomentumBuffer => momentumBuffer.Span;

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
        // PyTorch starts the buffer from the first gradient rather than from zero; without momentum it keeps none,
        // which starting it afresh every step reproduces.
        startBuffer = Momentum == 0.0 || stepCount == 0;
        negativeLearningRate = -learningRate;
        stepCount++;
    }

    void IElementwiseOptimizer.StepSlice(Span<float> parameters, ReadOnlySpan<float> gradients, int start) =>
        Apply(parameters, gradients, MomentumBuffer.Slice(start, parameters.Length), negativeLearningRate, (float)Momentum, (float)WeightDecay, startBuffer);

    // PyTorch, per element:  d = g + wd·θ;  buf = d on the first step, else buf·momentum + d;  θ = θ + (-lr)·buf.
    // The vector and scalar paths round alike.
    private static void Apply(
        Span<float> parameters,
        ReadOnlySpan<float> gradients,
        Span<float> buffer,
        float negativeLearningRate,
        float momentum,
        float weightDecay,
        bool startBuffer)
    {
        ref var p0 = ref MemoryMarshal.GetReference(parameters);
        ref var g0 = ref MemoryMarshal.GetReference(gradients);
        ref var b0 = ref MemoryMarshal.GetReference(buffer);
        var length = (nuint)parameters.Length;
        nuint i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var wd = new Vector<float>(weightDecay);
            var m = new Vector<float>(momentum);
            var lr = new Vector<float>(negativeLearningRate);
            for (; i + (nuint)Vector<float>.Count <= length; i += (nuint)Vector<float>.Count)
            {
                var p = Vector.LoadUnsafe(ref p0, i);
                var d = Vector.LoadUnsafe(ref g0, i);
                if (weightDecay != 0f)
                {
                    d += wd * p;
                }
                var b = startBuffer ? d : Vector.LoadUnsafe(ref b0, i) * m + d;
                b.StoreUnsafe(ref b0, i);
                (p + lr * b).StoreUnsafe(ref p0, i);
            }
        }
        for (; i < length; i++)
        {
            ref var p = ref Unsafe.Add(ref p0, i);
            var d = Unsafe.Add(ref g0, i);
            if (weightDecay != 0f)
            {
                d += weightDecay * p;
            }
            ref var b = ref Unsafe.Add(ref b0, i);
            b = startBuffer ? d : b * momentum + d;
            p += negativeLearningRate * b;
        }
    }
}
