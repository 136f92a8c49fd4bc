using System;

namespace StaticSeq2Seq.Training;

/// <summary>
/// A training step produced a loss or gradient that is infinite or NaN, and <see cref="TrainingOptions.NonFiniteSteps"/>
/// is <see cref="NonFiniteStepHandling.Stop"/>. The step was not applied: the parameters and optimizer state are as they
/// were before it.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for a step whose loss or gradient norm is not finite.</summary>
    /// <param name="step">The step that failed, counted from 1 over the trainer's life.</param>
    /// <param name="loss">The step's mean loss per pair.</param>
    /// <param name="gradientNorm">The step's global gradient norm.</param>
    public TrainingDivergedException(long step, double loss, double gradientNorm)
        : base(
            $"Training step {step} gave a loss of {loss} and a gradient norm of {gradientNorm}; the step was not applied and the " +
            "parameters are as they were before it. Lower the learning rate, turn on or tighten gradient clipping (TrainingOptions.ClipNorm), " +
            "look for extreme pairs in the data, or skip such steps with TrainingOptions.NonFiniteSteps = NonFiniteStepHandling.Skip.")
    {
        Step = step;
        Loss = loss;
        GradientNorm = gradientNorm;
    }

    /// <summary>The step that failed, counted from 1 over the trainer's life.</summary>
    public long Step { get; }

    /// <summary>The step's mean loss per pair.</summary>
    public double Loss { get; }

    /// <summary>The step's global gradient norm.</summary>
    public double GradientNorm { get; }
}
