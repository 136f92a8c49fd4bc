using StaticSeq2Seq.Training;

namespace Translate;

/// <summary>The line that closes a training run.</summary>
internal static class TrainingSummaryLine
{
    public static string Format(TrainingSummary summary) =>
        $"Trained {summary.Epochs} epochs ({summary.Steps:N0} steps) in {summary.Elapsed:m\\:ss} at {summary.PairsPerSecond:N0} pairs/s" +
        (summary.StoppedEarly ? $"; stopped early, the validation loss was best after epoch {summary.BestEpoch} ({summary.BestValidationLoss:F3})" : "") +
        (summary.RestoredBestParameters ? ", whose parameters are kept." : ".");
}
