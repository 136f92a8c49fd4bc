using Xunit;

namespace Translate.Tests;

/// <summary>
/// A run interrupted at an epoch's end (as Ctrl+C does, through the cancellation token) and resumed ends with the same
/// checkpoint, byte for byte, as the same run never interrupted.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_run_interrupted_after_its_first_epoch_and_resumed_ends_as_one_never_interrupted()
    {
        var (uninterrupted, stopped, resumed) = InterruptAndResume(epochs: 2, interruptAfter: 1);

        Assert.Contains("epoch 2/2  train loss", uninterrupted.Output, StringComparison.Ordinal);
        Assert.StartsWith($"Interrupted in epoch 2 after 3 steps; {folder.File("interrupted.safetensors")} holds the run.", stopped.Error, StringComparison.Ordinal);
        Assert.Contains("1 of 2 epochs done, 3 steps", resumed.Output, StringComparison.Ordinal);
        Assert.Contains("epoch 2/2  train loss", resumed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_with_dropout_resumes_with_its_rate_and_ends_as_one_never_interrupted()
    {
        var (_, _, resumed) = InterruptAndResume(epochs: 2, interruptAfter: 1, "--dropout", "0.3");

        Assert.Contains("epoch 2/2  train loss", resumed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resumed_run_that_stops_early_keeps_the_best_epochs_parameters_though_that_epoch_came_before_the_interruption()
    {
        // At this learning rate the 48 pairs are overfitted at once: epoch 1 has the lowest validation loss, and after
        // epochs 2 and 3 early stopping (patience 2) ends the run and puts epoch 1's parameters back.
        var (uninterrupted, _, resumed) = InterruptAndResume(epochs: 3, interruptAfter: 2, "--learning-rate", "0.01");

        Assert.Contains("stopped early, the validation loss was best after epoch 1", uninterrupted.Output, StringComparison.Ordinal);
        Assert.Contains("2 of 3 epochs done, 6 steps", resumed.Output, StringComparison.Ordinal);
        Assert.Contains("stopped early, the validation loss was best after epoch 1", resumed.Output, StringComparison.Ordinal);
        Assert.Contains("whose parameters are kept", resumed.Output, StringComparison.Ordinal);
    }

    private (CommandOutcome Uninterrupted, CommandOutcome Stopped, CommandOutcome Resumed) InterruptAndResume(
        int epochs, int interruptAfter, params string[] options)
    {
        string[] Train(string checkpoint) =>
        [
            "train", "--checkpoint", checkpoint, "--epochs", $"{epochs}", "--train-pairs", "48", "--validation-pairs", "8", "--batch-size", "16",
            .. options,
        ];
        var whole = folder.File("whole.safetensors");
        var interrupted = folder.File("interrupted.safetensors");
        var lastEpochLine = $"epoch {interruptAfter}/{epochs}  train loss";

        var uninterrupted = CommandRunner.Run("", Train(whole));
        using var interruption = new CancellationTokenSource();
        var stopped = CommandRunner.Run(
            "", interruption.Token, line => { if (line.StartsWith(lastEpochLine, StringComparison.Ordinal)) { interruption.Cancel(); } },
            Train(interrupted));
        var resumed = CommandRunner.Run("", "resume", "--checkpoint", interrupted);

        Assert.Equal(0, uninterrupted.ExitCode);
        Assert.Equal(130, stopped.ExitCode);
        Assert.DoesNotContain($"epoch {interruptAfter + 1}/{epochs}", stopped.Output, StringComparison.Ordinal);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal("", resumed.Error);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(interrupted));
        // The best epoch's parameters are kept beside the checkpoint only while the run lasts.
        Assert.Equal(["interrupted.safetensors", "whole.safetensors"], Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        return (uninterrupted, stopped, resumed);
    }
}
