using System;
using System.Diagnostics;

namespace StaticSeq2Seq.Training;

/// <summary>Times a training run: steps and pairs done, throughput, time left, and when the next progress report is due.</summary>
internal sealed class TrainingPace(long totalSteps, TimeSpan reportInterval)
{
    private readonly long startTimestamp = Stopwatch.GetTimestamp();
    private long lastReportTimestamp = Stopwatch.GetTimestamp();

    public long TotalSteps { get; } = totalSteps;

    public long Steps { get; private set; }

    public long Pairs { get; private set; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(startTimestamp);

    public double PairsPerSecond => Pairs / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public TimeSpan EstimatedTimeLeft =>
        Steps == 0 ? TimeSpan.Zero : Elapsed * ((double)(TotalSteps - Steps) / Steps);

    public void CountStep(int pairs)
    {
        Steps++;
        Pairs += pairs;
    }

    /// <summary>True, and restarts the interval, when a report is due.</summary>
    public bool ReportDue()
    {
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(lastReportTimestamp, now) < reportInterval)
        {
            return false;
        }
        lastReportTimestamp = now;
        return true;
    }
}
