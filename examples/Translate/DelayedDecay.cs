using StaticSeq2Seq.Training;

namespace Translate;

/// <summary>
/// A constant learning rate for the first <paramref name="constantEpochs"/> epochs, then multiplied by
/// <paramref name="gamma"/> once per epoch: the first epochs want large steps, the last ones small.
/// </summary>
internal sealed class DelayedDecay(int constantEpochs, float gamma) : ILearningRateSchedule
{
    public float LearningRateAt(long step, int epoch, float baseRate) =>
        baseRate * MathF.Pow(gamma, Math.Max(0, epoch - constantEpochs + 1));

    public ReduceOnPlateau? Plateau => null;
}
