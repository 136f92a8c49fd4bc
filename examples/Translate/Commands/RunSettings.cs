using System.Globalization;
using StaticSeq2Seq.Checkpoints;

namespace Translate.Commands;

/// <summary>
/// The settings of a <c>train</c> run that its checkpoint does not hold already, kept in the checkpoint's metadata so
/// <c>resume</c> can continue the run without being told them again.
/// </summary>
/// <param name="Epochs">The epochs the run trains in all.</param>
/// <param name="TrainPairs">How many pairs of the training split it trains on.</param>
/// <param name="ValidationPairs">How many pairs of the validation split it validates on.</param>
/// <param name="EmbeddingDropout">The run's embedding dropout rate (0 in a checkpoint written before the setting existed).</param>
/// <param name="Finished">Whether the run has ended: all its epochs trained, or stopped early.</param>
internal sealed record RunSettings(int Epochs, int TrainPairs, int ValidationPairs, float EmbeddingDropout, bool Finished)
{
    private const string EpochsKey = "translate.epochs";
    private const string TrainPairsKey = "translate.train_pairs";
    private const string ValidationPairsKey = "translate.validation_pairs";
    private const string EmbeddingDropoutKey = "translate.embedding_dropout";
    private const string FinishedKey = "translate.finished";

    public IReadOnlyDictionary<string, string> ToMetadata() => new Dictionary<string, string>
    {
        [EpochsKey] = Epochs.ToString(CultureInfo.InvariantCulture),
        [TrainPairsKey] = TrainPairs.ToString(CultureInfo.InvariantCulture),
        [ValidationPairsKey] = ValidationPairs.ToString(CultureInfo.InvariantCulture),
        [EmbeddingDropoutKey] = EmbeddingDropout.ToString("R", CultureInfo.InvariantCulture),
        [FinishedKey] = Finished ? "true" : "false",
    };

    /// <exception cref="CommandFailedException">The checkpoint was not written by <c>train</c>.</exception>
    public static RunSettings FromMetadata(CheckpointInfo info, string path) => new(
        Number(info, EpochsKey, path),
        Number(info, TrainPairsKey, path),
        Number(info, ValidationPairsKey, path),
        Rate(info, EmbeddingDropoutKey, path),
        Text(info, FinishedKey, path) == "true");

    private static int Number(CheckpointInfo info, string key, string path) =>
        int.TryParse(Text(info, key, path), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1
            ? value
            : throw new CommandFailedException($"Checkpoint '{path}': its metadata entry '{key}' is not a positive whole number; the file is damaged.");

    private static float Rate(CheckpointInfo info, string key, string path) =>
        !info.Metadata.TryGetValue(key, out var text) ? 0f
        : float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0f and < 1f
            ? value
            : throw new CommandFailedException($"Checkpoint '{path}': its metadata entry '{key}' is not a rate from 0 up to, not including, 1; the file is damaged.");

    private static string Text(CheckpointInfo info, string key, string path) =>
        info.Metadata.TryGetValue(key, out var text)
            ? text
            : throw new CommandFailedException(
                $"Checkpoint '{path}' has no '{key}' entry, so it was not written by 'train' and holds no run to resume. Start a run with 'train'.");
}
