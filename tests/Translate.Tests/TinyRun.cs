namespace Translate.Tests;

/// <summary>One tiny training run the tests share.</summary>
public sealed class TinyRun : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public TinyRun()
    {
        Checkpoint = folder.File(Path.Combine("runs", "tiny.safetensors"));
        Train = CommandRunner.Run(
            "", "train", "--checkpoint", Checkpoint, "--epochs", "1", "--train-pairs", "64", "--validation-pairs", "16");
    }

    public string Checkpoint { get; }

    public CommandOutcome Train { get; }

    public void Dispose() => folder.Dispose();
}
