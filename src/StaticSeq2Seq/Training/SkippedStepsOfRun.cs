using System;
using System.Collections.Generic;

namespace StaticSeq2Seq.Training;

/// <summary>
/// The steps one <see cref="Seq2SeqTrainer.Train"/> call skipped, as an array that is copied again only when another
/// step has been skipped, so that progress reports of a run without skips allocate nothing for it.
/// </summary>
internal sealed class SkippedStepsOfRun(List<long> skippedSteps)
{
    private readonly int first = skippedSteps.Count;
    private long[] current = [];

    /// <summary>The steps skipped since the run began, counted from 1 over the trainer's life.</summary>
    public IReadOnlyList<long> Current
    {
        get
        {
            if (current.Length != skippedSteps.Count - first)
            {
                current = skippedSteps.GetRange(first, skippedSteps.Count - first).ToArray();
            }
            return current;
        }
    }
}
