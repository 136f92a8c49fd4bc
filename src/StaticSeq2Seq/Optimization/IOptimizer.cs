using System;

namespace StaticSeq2Seq.Optimization;

/// <summary>
/// Updates a flat parameter buffer from a gradient buffer of the same layout. An optimizer is made for one
/// parameter count and allocates its state once, in its constructor; <see cref="Step"/> allocates nothing.
/// </summary>
public interface IOptimizer
{
    /// <summary>The number of parameters this optimizer keeps state for.</summary>
    int ParameterCount { get; }

    /// <summary>The step size of the next <see cref="Step"/>; a learning-rate schedule changes it between steps.</summary>
    float LearningRate { get; set; }

    /// <summary>How many steps have been taken.</summary>
    long StepCount { get; }

    /// <summary>Takes one optimization step: updates <paramref name="parameters"/> in place from <paramref name="gradients"/>.</summary>
    /// <exception cref="ArgumentException">A span's length is not <see cref="ParameterCount"/>.</exception>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
}
