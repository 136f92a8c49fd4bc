using Xunit;

namespace Translate.Tests;

public sealed class ResumeTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_run_interrupted_after_its_first_epoch_and_resumed_ends_with_the_same_checkpoint_bytes_as_an_uninterrupted_one()
    {
        string[] Train(string checkpoint) =>
            ["train", "--checkpoint", checkpoint, "--epochs", "2", "--train-pairs", "48", "--validation-pairs", "8", "--batch-size", "16"];
        var whole = folder.File("whole.safetensors");
        var interrupted = folder.File("interrupted.safetensors");

        var uninterrupted = CommandRunner.Run("", Train(whole));
        using var interruption = new CancellationTokenSource();
        var stopped = CommandRunner.Run(
            "", interruption.Token, line => { if (line.StartsWith("epoch 1/2  train loss", StringComparison.Ordinal)) { interruption.Cancel(); } },
            Train(interrupted));
        var resumed = CommandRunner.Run("", "resume", "--checkpoint", interrupted);

        Assert.Equal(0, uninterrupted.ExitCode);
        Assert.Equal(130, stopped.ExitCode);
        Assert.DoesNotContain("epoch 2/2", stopped.Output, StringComparison.Ordinal);
        Assert.StartsWith($"Interrupted in epoch 2 after 3 steps; {interrupted} holds the run.", stopped.Error, StringComparison.Ordinal);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("Resuming", resumed.Output, StringComparison.Ordinal);
        Assert.Contains("1 of 2 epochs done, 3 steps", resumed.Output, StringComparison.Ordinal);
        Assert.Contains("epoch 2/2  train loss", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(interrupted));
    }
}
