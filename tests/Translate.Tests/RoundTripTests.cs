using System.Globalization;
using System.Text.RegularExpressions;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Decoding;
using Xunit;

namespace Translate.Tests;

/// <summary>
/// A tiny run (one epoch of 64 pairs, 16 validation pairs) through train, evaluate and decode, each command checked
/// against the checkpoint the one before wrote, used through the library directly.
/// </summary>
public sealed partial class RoundTripTests : IClassFixture<TinyRun>
{
    private readonly TinyRun run;

    public RoundTripTests(TinyRun run) => this.run = run;

    [Fact]
    public void Train_reports_its_epoch_and_writes_a_finished_checkpoint_with_the_runs_settings()
    {
        Assert.Equal(0, run.Train.ExitCode);
        Assert.Equal("", run.Train.Error);
        Assert.Contains("64 for training and 16 for validation", run.Train.Output, StringComparison.Ordinal);
        Assert.Matches(EpochLine(), run.Train.Output);
        Assert.Contains($"Checkpoint: {run.Checkpoint} (epoch 1 of 1, finished).", run.Train.Output, StringComparison.Ordinal);

        var info = Checkpoint.ReadInfo(run.Checkpoint);
        Assert.Equal("1", info.Metadata["translate.epochs"]);
        Assert.Equal("64", info.Metadata["translate.train_pairs"]);
        Assert.Equal("16", info.Metadata["translate.validation_pairs"]);
        Assert.Equal("true", info.Metadata["translate.finished"]);
        Assert.Equal(1, info.Training!.EpochsCompleted);
        Assert.Equal(2, info.Training.StepsCompleted);
        Assert.Equal(7UL, info.Training.Seed);
    }

    [Fact]
    public void Evaluate_measures_the_validation_loss_train_measured_after_its_last_epoch()
    {
        var outcome = CommandRunner.Run("", "evaluate", "--checkpoint", run.Checkpoint, "--validation-pairs", "16");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        var trainLoss = double.Parse(EpochLine().Match(run.Train.Output).Groups["loss"].Value, CultureInfo.InvariantCulture);
        var evaluated = Regex.Match(outcome.Output, @"Validation \(16 pairs\): loss (?<loss>[0-9.]+) per sentence");
        Assert.True(evaluated.Success, outcome.Output);
        Assert.Equal(Math.Round(trainLoss, 3), double.Parse(evaluated.Groups["loss"].Value, CultureInfo.InvariantCulture));
        Assert.Matches(@"greedy +BLEU +[0-9.]+ +exact match", outcome.Output);
        Assert.Matches(@"beam 5, a = 0\.6 +BLEU +[0-9.]+ +exact match", outcome.Output);
    }

    [Theory]
    [InlineData("bfloat16", "BFloat16")]
    [InlineData("int8", "Int8")]
    [InlineData("int8dynamic", "Int8Dynamic")]
    public void Evaluate_with_narrower_decode_weights_keeps_the_float_loss_and_compares_the_decodes(string argument, string format)
    {
        var floatOutcome = CommandRunner.Run("", "evaluate", "--checkpoint", run.Checkpoint, "--validation-pairs", "16");
        var outcome = CommandRunner.Run("", "evaluate", "--checkpoint", run.Checkpoint, "--validation-pairs", "16", "--decode-weights", argument);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        Assert.Contains($"decoding with {format} weights.", outcome.Output, StringComparison.Ordinal);
        Assert.Contains($"{format} against Float32 decode weights:", outcome.Output, StringComparison.Ordinal);
        // The loss runs Forward, which stays float.
        var loss = @"Validation \(16 pairs\): loss [0-9.]+ per sentence";
        Assert.Equal(Regex.Match(floatOutcome.Output, loss).Value, Regex.Match(outcome.Output, loss).Value);
        Assert.Matches(@"greedy outputs identical for [0-9]+ of 16 sentences .*tokens agreeing at [0-9]+ of [0-9]+ positions", outcome.Output);
        var logits = Regex.Match(outcome.Output, @"differ by at most (?<max>[0-9.eE+-]+) \(mean [0-9.eE+-]+; the largest \|logit\| is (?<scale>[0-9.eE+-]+)\)");
        Assert.True(logits.Success, outcome.Output);
        var max = double.Parse(logits.Groups["max"].Value, CultureInfo.InvariantCulture);
        var scale = double.Parse(logits.Groups["scale"].Value, CultureInfo.InvariantCulture);
        // bfloat16 keeps 8 significant bits, int8 255 levels per row (and per activation vector): the logits move, but by a small part of their range.
        Assert.True(max > 0 && max < 0.1 * scale, outcome.Output);
    }

    [Fact]
    public void Decode_writes_a_line_per_input_line_as_the_library_decodes_the_normalised_words()
    {
        var input = "I'm COLD.\n\nwe re   happy !\nhe is the one who is always the first to arrive at the office\n";

        var greedy = CommandRunner.Run(input, "decode", "--checkpoint", run.Checkpoint, "--beam", "1");
        var beam = CommandRunner.Run(input, "decode", "--checkpoint", run.Checkpoint, "--beam", "3");

        var model = new Translator();
        var info = Checkpoint.Load(run.Checkpoint, model);
        var workspace = model.CreateWorkspace();
        var sources = new[] { "i m cold", "we re happy !", "he is the one who is always the first to" }
            .Select(text => info.SourceVocabulary!.Encode(text)).ToArray();
        var output = new int[Translator.MaxTargetLength];
        var decoder = new BeamSearchDecoder(model, maxBeamWidth: 3);
        string Greedy(int[] source) => info.TargetVocabulary!.Decode(output.AsSpan(0, model.DecodeGreedy(workspace, source, output)));
        string Beam(int[] source)
        {
            decoder.Decode(workspace, source, new BeamSearchOptions { BeamWidth = 3, LengthPenalty = 0.6f });
            return info.TargetVocabulary!.Decode(decoder.GetTokens(0));
        }

        Assert.Equal(0, greedy.ExitCode);
        Assert.Equal([Greedy(sources[0]), "", Greedy(sources[1]), Greedy(sources[2])], greedy.OutputLines);
        Assert.Equal(0, beam.ExitCode);
        Assert.Equal([Beam(sources[0]), "", Beam(sources[1]), Beam(sources[2])], beam.OutputLines);
        Assert.Equal("line 4: 14 words, more than the 10 the model reads; translating the first 10.\n", greedy.Error);
    }

    [Fact]
    public void Resume_of_a_finished_run_has_nothing_to_do()
    {
        var outcome = CommandRunner.Run("", "resume", "--checkpoint", run.Checkpoint);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("has finished (1 of 1 epochs); there is nothing to resume", outcome.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"epoch 1/1  train loss [0-9.]+  validation loss (?<loss>[0-9.]+)  exact [0-9.]+%  [0-9,]+ pairs/s  \d+:\d\d elapsed")]
    private static partial Regex EpochLine();
}
