using System;
using System.Collections.Generic;
using StaticSeq2Seq.Optimization;

namespace StaticSeq2Seq.Checkpoints;

/// <summary>
/// The optimizers whose state a checkpoint holds, described as PyTorch describes them: a class name, the
/// hyperparameters by PyTorch's names, and the per-parameter buffers by the names of PyTorch's optimizer state.
/// </summary>
internal static class OptimizerState
{
    public const string AdamKind = "Adam";
    public const string AdamWKind = "AdamW";
    public const string SgdKind = "SGD";

    /// <summary>PyTorch's name of Adam's moving average of the gradient.</summary>
    public const string ExpAvg = "exp_avg";

    /// <summary>PyTorch's name of Adam's moving average of the squared gradient.</summary>
    public const string ExpAvgSq = "exp_avg_sq";

    /// <summary>PyTorch's name of SGD's momentum buffer.</summary>
    public const string MomentumBuffer = "momentum_buffer";

    private static readonly string[] AdamBuffers = [ExpAvg, ExpAvgSq];
    private static readonly string[] SgdBuffers = [MomentumBuffer];
    private static readonly string[] AdamSettings = ["beta1", "beta2", "eps", "weight_decay"];
    private static readonly string[] SgdSettings = ["momentum", "weight_decay"];

    /// <summary>The per-parameter buffers of <paramref name="kind"/>, or null for a kind this library does not know.</summary>
    public static string[]? BufferNames(string kind) => kind switch
    {
        AdamKind or AdamWKind => AdamBuffers,
        SgdKind => SgdBuffers,
        _ => null,
    };

    /// <summary>The hyperparameter names of <paramref name="kind"/>, or null for a kind this library does not know.</summary>
    public static string[]? SettingNames(string kind) => kind switch
    {
        AdamKind or AdamWKind => AdamSettings,
        SgdKind => SgdSettings,
        _ => null,
    };

    /// <summary>The kind and hyperparameters of <paramref name="optimizer"/>.</summary>
    /// <exception cref="NotSupportedException">The optimizer is not one whose state a checkpoint can hold.</exception>
    public static (string Kind, KeyValuePair<string, double>[] Settings) Describe(IOptimizer optimizer) => optimizer switch
    {
        Adam adam => (
            adam.DecoupledWeightDecay ? AdamWKind : AdamKind,
            [new("beta1", adam.Beta1), new("beta2", adam.Beta2), new("eps", adam.Epsilon), new("weight_decay", adam.WeightDecay)]),
        SgdMomentum sgd => (SgdKind, [new("momentum", sgd.Momentum), new("weight_decay", sgd.WeightDecay)]),
        _ => throw Unsupported(optimizer),
    };

    /// <summary>The buffer called <paramref name="name"/> of <paramref name="optimizer"/>, in the parameters' layout.</summary>
    public static Span<float> Buffer(IOptimizer optimizer, string name) => (optimizer, name) switch
    {
        (Adam adam, ExpAvg) => adam.FirstMoments,
        (Adam adam, ExpAvgSq) => adam.SecondMoments,
        (SgdMomentum sgd, MomentumBuffer) => sgd.MomentumBuffer,
        _ => throw new InvalidOperationException($"{optimizer.GetType().Name} has no buffer '{name}'; this is a bug in StaticSeq2Seq."),
    };

    /// <summary>Sets the step count and learning rate of an optimizer <see cref="Describe"/> accepts.</summary>
    public static void Restore(IOptimizer optimizer, long stepCount, float learningRate)
    {
        switch (optimizer)
        {
            case Adam adam:
                adam.StepCount = stepCount;
                break;
            case SgdMomentum sgd:
                sgd.StepCount = stepCount;
                break;
            default:
                throw Unsupported(optimizer);
        }
        optimizer.LearningRate = learningRate;
    }

    private static NotSupportedException Unsupported(IOptimizer optimizer) =>
        new($"A checkpoint can hold the state of Adam, AdamW and SgdMomentum, not of {optimizer.GetType().FullName}. " +
            "Train with one of those to save and resume training, or save the model without its trainer to keep the weights only.");
}
