using System;

namespace StaticSeq2Seq;

/// <summary>
/// The random choices of one pair's training forward pass (<see cref="ISeq2SeqModel.Forward(Seq2SeqWorkspace, ReadOnlySpan{int}, ReadOnlySpan{int}, in TrainingPass)"/>):
/// whether the decoder is teacher-forced, drawn from <see cref="Seed"/>. Everything random in the pass comes from
/// <see cref="Seed"/> alone, never from state shared between calls, so pairs may run on any thread in any order and
/// the run stays the same; <see cref="PairSeed"/> derives a seed from the training seed, the step and the pair's place
/// in its batch.
/// </summary>
/// <param name="Seed">Seeds this pass's draws.</param>
/// <param name="TeacherForcingRatio">
/// The probability that the decoder reads the target (teacher forcing) rather than its own argmax of the previous step
/// (free running) for the whole sequence, as the PyTorch translation tutorial decides per sequence. 1 always forces.
/// </param>
public readonly record struct TrainingPass(ulong Seed, float TeacherForcingRatio = 1f)
{
    /// <summary>A pass that always teacher-forces: what the plain <see cref="ISeq2SeqModel.Forward(Seq2SeqWorkspace, ReadOnlySpan{int}, ReadOnlySpan{int})"/> runs.</summary>
    public static TrainingPass TeacherForced => new(0, 1f);

    /// <summary>Whether this pass always teacher-forces, whatever its seed.</summary>
    public bool IsTeacherForced => TeacherForcingRatio >= 1f;

    /// <summary>
    /// The seed of pair <paramref name="pairIndex"/> of the batch of step <paramref name="step"/> of a run seeded with
    /// <paramref name="trainingSeed"/>: SplitMix64's finaliser over the three, so nearby steps and pairs get unrelated streams.
    /// </summary>
    public static ulong PairSeed(ulong trainingSeed, long step, int pairIndex)
    {
        var z = Mix(trainingSeed ^ 0x9E3779B97F4A7C15UL);
        z = Mix(z ^ (ulong)step);
        return Mix(z ^ (uint)pairIndex);
    }

    /// <summary>Checks the ratio; the generated models call this before they draw from the pass.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is not in [0, 1].</exception>
    public void Validate()
    {
        if (!(TeacherForcingRatio is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(TeacherForcingRatio), TeacherForcingRatio,
                "The teacher-forcing ratio is a probability: give a value from 0 (always free running) to 1 (always teacher-forced).");
        }
    }

    /// <summary>Whether the pass teacher-forces its sequence: a draw from <paramref name="random"/> below the ratio (always true at 1).</summary>
    public bool DrawTeacherForcing(ref SeededRandom random) => random.NextSingle() < TeacherForcingRatio;

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
