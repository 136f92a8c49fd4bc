using System;

namespace StaticSeq2Seq.Optimization;

/// <summary>
/// An optimizer whose step treats every parameter on its own, so that a step can be taken slice by slice, on several
/// threads at once, to the same bits as <see cref="IOptimizer.Step"/> over the whole buffer.
/// </summary>
internal interface IElementwiseOptimizer : IOptimizer
{
    /// <summary>
    /// Starts a step over <paramref name="parameterCount"/> parameters and <paramref name="gradientCount"/> gradients:
    /// advances <see cref="IOptimizer.StepCount"/> and fixes the step's scalars. Every slice then takes
    /// <see cref="StepSlice"/> once, in any order.
    /// </summary>
    /// <exception cref="ArgumentException">A count is not <see cref="IOptimizer.ParameterCount"/>.</exception>
    void BeginStep(int parameterCount, int gradientCount);

    /// <summary>
    /// Updates <paramref name="parameters"/>, the slice of the parameters that starts at <paramref name="start"/>, from
    /// <paramref name="gradients"/>, the same slice of the gradients, as the step started by <see cref="BeginStep"/>.
    /// </summary>
    void StepSlice(Span<float> parameters, ReadOnlySpan<float> gradients, int start);
}
