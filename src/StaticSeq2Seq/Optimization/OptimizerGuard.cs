using System;
using System.Diagnostics.CodeAnalysis;

namespace StaticSeq2Seq.Optimization;

/// <summary>The argument checks every optimizer shares, with messages that say how to fix the call.</summary>
internal static class OptimizerGuard
{
    public static void CheckParameterCount(int parameterCount)
    {
        if (parameterCount < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(parameterCount),
                parameterCount,
                "The parameter count is negative; pass the model's Layout.ParameterCount.");
        }
    }

    public static void CheckLearningRate(float learningRate)
    {
        if (!(learningRate >= 0f) || float.IsPositiveInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(
                nameof(learningRate),
                learningRate,
                "The learning rate must be a finite number of at least 0, such as 1e-3.");
        }
    }

    public static void CheckFraction(double value, string name)
    {
        if (!(value >= 0.0 && value < 1.0))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1), such as 0.9.");
        }
    }

    public static void CheckNonNegative(double value, string name)
    {
        if (!(value >= 0.0) || double.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number of at least 0.");
        }
    }

    public static void CheckStepSpans(int parameterCount, int parameters, int gradients)
    {
        if (parameters != parameterCount || gradients != parameterCount)
        {
            ThrowWrongLength(parameterCount, parameters, gradients);
        }
    }

    [DoesNotReturn]
    private static void ThrowWrongLength(int parameterCount, int parameters, int gradients) =>
        throw new ArgumentException(
            $"The optimizer was made for {parameterCount} parameters but was given {parameters} parameters and {gradients} gradients. " +
            "Create one optimizer per model, with the model's Layout.ParameterCount, and pass the model's Parameters and a gradient buffer of the same length.");
}
