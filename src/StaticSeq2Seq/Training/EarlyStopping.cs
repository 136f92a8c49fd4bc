using System;

namespace StaticSeq2Seq.Training;

/// <summary>
/// Stops a <see cref="Seq2SeqTrainer.Train"/> run when the validation loss (mean per pair) has not improved for
/// <see cref="Patience"/> epochs in a row; an epoch improves when its loss is below the best so far minus
/// <see cref="MinDelta"/>. Training with early stopping needs a validation set.
/// </summary>
public sealed record EarlyStoppingOptions
{
    /// <summary>Epochs in a row without improvement after which training stops. Default 5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int Patience
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Patience), value, "Patience is at least one epoch; 3 to 10 is usual.");
    } = 5;

    /// <summary>The least decrease of the validation loss that counts as an improvement. Default 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double MinDelta
    {
        get;
        init => field = double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MinDelta), value, "Give a finite minimum improvement of 0 or more, such as 1e-3.");
    }

    /// <summary>
    /// Whether the run ends with the parameters of the epoch with the best validation loss rather than the last
    /// epoch's. The trainer keeps a copy of the best parameters, allocated once, for this. Default true.
    /// </summary>
    public bool RestoreBestParameters { get; init; } = true;
}
