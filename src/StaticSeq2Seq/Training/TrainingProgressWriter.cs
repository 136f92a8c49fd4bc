using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace StaticSeq2Seq.Training;

/// <summary>
/// Writes <see cref="Seq2SeqTrainer.Train"/>'s progress as text: within an epoch a progress bar over the whole run with
/// the last step's loss, pairs per second and the time left; at each epoch's end a line with the epoch's training and
/// validation loss, exact-match rate and pace.
/// </summary>
/// <remarks>
/// It writes when <see cref="Report"/> is called, on the training thread. (<see cref="Progress{T}"/> posts to the
/// thread pool in a console app, so its lines can arrive late and out of order.) On a terminal the bar is redrawn in
/// place and the epoch's line replaces it; into a file or pipe every report is a line of its own.
/// </remarks>
/// <example>
/// <code>
/// trainer.Train(train, validation, TrainingProgressWriter.ForConsole());
/// </code>
/// </example>
public sealed class TrainingProgressWriter : IProgress<TrainingProgress>
{
    /// <summary>The characters of the bar between its brackets.</summary>
    public const int BarWidth = 24;

    private readonly TextWriter writer;
    private readonly bool redrawInPlace;
    private int barLength;

    /// <summary>Writes progress to <paramref name="writer"/>.</summary>
    /// <param name="writer">Where the lines go.</param>
    /// <param name="redrawInPlace">
    /// True to redraw the bar in place with carriage returns (for a terminal); false to write each report as a line.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    public TrainingProgressWriter(TextWriter writer, bool redrawInPlace)
    {
        ArgumentNullException.ThrowIfNull(writer);
        this.writer = writer;
        this.redrawInPlace = redrawInPlace;
    }

    /// <summary>Writes to standard output, redrawing the bar in place unless the output is redirected.</summary>
    public static TrainingProgressWriter ForConsole() => new(Console.Out, redrawInPlace: !Console.IsOutputRedirected);

    /// <summary>Writes <paramref name="value"/>: the bar within an epoch, the epoch's line at its end.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.IsEpochEnd)
        {
            var line = FormatEpochEnd(value);
            if (redrawInPlace)
            {
                writer.Write('\r');
                writer.Write(line.PadRight(barLength));
                writer.WriteLine();
                barLength = 0;
            }
            else
            {
                writer.WriteLine(line);
            }
        }
        else
        {
            var bar = FormatBar(value);
            if (redrawInPlace)
            {
                // Pads over the rest of a longer earlier bar rather than relying on a terminal's clear-line sequence.
                writer.Write('\r');
                writer.Write(bar.PadRight(barLength));
                barLength = bar.Length;
            }
            else
            {
                writer.WriteLine(bar);
            }
        }
        writer.Flush();
    }

    /// <summary>
    /// The line for a report within an epoch, such as
    /// <c>epoch 2/10 [######------------------]  25%  loss 3.2101  192 pairs/s  2:31 left</c>; the bar and the percentage
    /// cover the run's steps. Steps skipped for a non-finite loss or gradient, when there are any, follow as
    /// <c>2 skipped (last: step 117)</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static string FormatBar(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var fraction = value.TotalSteps <= 0 ? 1.0 : Math.Clamp((double)value.Step / value.TotalSteps, 0.0, 1.0);
        var filled = (int)Math.Floor(fraction * BarWidth);
        var text = new StringBuilder(96);
        text.Append(CultureInfo.InvariantCulture, $"epoch {value.Epoch}/{value.Epochs} [")
            .Append('#', filled)
            .Append('-', BarWidth - filled)
            .Append(CultureInfo.InvariantCulture, $"] {(int)Math.Floor(fraction * 100),3}%  loss {value.BatchLoss:F4}  ")
            .Append(CultureInfo.InvariantCulture, $"{value.PairsPerSecond:N0} pairs/s  {Duration(value.EstimatedTimeLeft)} left");
        AppendSkippedSteps(text, value);
        return text.ToString();
    }

    /// <summary>
    /// The line for an epoch's end, such as
    /// <c>epoch 2/10  train loss 3.1234  validation loss 9.8765  exact 4.2%  192 pairs/s  1:02 elapsed</c>; the
    /// validation figures appear when measured, and the steps skipped for a non-finite loss or gradient when there are any.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static string FormatEpochEnd(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(112);
        text.Append(CultureInfo.InvariantCulture, $"epoch {value.Epoch}/{value.Epochs}  train loss {value.EpochLoss:F4}");
        if (value.Validation is { } validation)
        {
            text.Append(CultureInfo.InvariantCulture, $"  validation loss {validation.MeanPerPair:F4}");
        }
        if (value.ValidationSequenceAccuracy is { } accuracy)
        {
            text.Append(CultureInfo.InvariantCulture, $"  exact {accuracy * 100:F1}%");
        }
        text.Append(CultureInfo.InvariantCulture, $"  {value.PairsPerSecond:N0} pairs/s  {Duration(value.Elapsed)} elapsed");
        AppendSkippedSteps(text, value);
        return text.ToString();
    }

    // A run that skips non-finite steps keeps going, so the count has to be in sight for the user to notice it.
    private static void AppendSkippedSteps(StringBuilder text, TrainingProgress value)
    {
        var skipped = value.SkippedSteps;
        if (skipped.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {skipped.Count} skipped (last: step {skipped[^1]})");
        }
    }

    // m:ss below an hour, h:mm:ss from there.
    private static string Duration(TimeSpan time) =>
        time.ToString(time.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);
}
