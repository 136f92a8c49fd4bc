using StaticSeq2Seq.Training;

namespace StaticSeq2Seq.Tests.Training;

/// <summary>Keeps every report, on the reporting thread (unlike <see cref="Progress{T}"/>, which posts them elsewhere).</summary>
internal sealed class RecordingProgress(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
{
    public List<TrainingProgress> Reports { get; } = [];

    public void Report(TrainingProgress value)
    {
        Reports.Add(value);
        onReport?.Invoke(value);
    }
}
