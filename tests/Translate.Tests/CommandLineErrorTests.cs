using StaticSeq2Seq.Checkpoints;
using Xunit;

namespace Translate.Tests;

/// <summary>Usage errors and failures: a message on standard error, nothing on standard output, a non-zero exit code.</summary>
public sealed class CommandLineErrorTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("--epochs 0", "--epochs takes a whole number of at least 1, not '0'.", "Run 'Translate --help' for usage.")]
    [InlineData("train --epochs ten", "--epochs takes a whole number of at least 1, not 'ten'.", "Run 'Translate train --help' for usage.")]
    [InlineData("train --batch-size -3", "--batch-size takes a whole number of at least 1, not '-3'.", "Run 'Translate train --help' for usage.")]
    [InlineData("train --train-pairs 0", "--train-pairs takes a whole number of at least 1, not '0'.", "Run 'Translate train --help' for usage.")]
    [InlineData("train --learning-rate 0", "--learning-rate takes a positive number such as 0.002, not '0'.", "Run 'Translate train --help' for usage.")]
    [InlineData("train --learning-rate NaN", "--learning-rate takes a positive number such as 0.002, not 'NaN'.", "Run 'Translate train --help' for usage.")]
    [InlineData("train --dropout 1", "--dropout takes a rate from 0 up to, not including, 1, such as 0.1, not '1'.", "Run 'Translate train --help' for usage.")]
    [InlineData("train --seed -1", "-1", "Run 'Translate train --help' for usage.")]
    [InlineData("train --bogus", "Unrecognized command or argument '--bogus'.", "Run 'Translate train --help' for usage.")]
    [InlineData("decode --beam 0", "--beam takes a whole number from 1 to 64, not '0'.", "Run 'Translate decode --help' for usage.")]
    [InlineData("evaluate --beam 65", "--beam takes a whole number from 1 to 64, not '65'.", "Run 'Translate evaluate --help' for usage.")]
    [InlineData("evaluate --validation-pairs", "--validation-pairs", "Run 'Translate evaluate --help' for usage.")]
    [InlineData("evaluate --decode-weights Int4", "--decode-weights takes Float32 or BFloat16 or Int8 or Int8Dynamic, not 'Int4'.", "Run 'Translate evaluate --help' for usage.")]
    [InlineData("evaluate --decode-weights 1", "--decode-weights takes Float32 or BFloat16 or Int8 or Int8Dynamic, not '1'.", "Run 'Translate evaluate --help' for usage.")]
    [InlineData("resume --checkpoint", "--checkpoint", "Run 'Translate resume --help' for usage.")]
    [InlineData("trian", "Unrecognized command or argument 'trian'.", "Run 'Translate --help' for usage.")]
    public void A_usage_error_is_reported_on_standard_error_with_exit_code_2(string arguments, string message, string hint)
    {
        var outcome = CommandRunner.Run("", arguments.Split(' '));

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.Output);
        var lines = outcome.Error.TrimEnd('\n').Split('\n');
        Assert.Contains(message, lines[0], StringComparison.Ordinal);
        Assert.Equal(hint, lines[^1]);
    }

    [Fact]
    public void Help_lists_the_commands_on_standard_output_and_exits_with_0()
    {
        var outcome = CommandRunner.Run("", "--help");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        foreach (var text in new[] { "Usage:", "--epochs <n>", "--out <folder>", "train ", "resume ", "evaluate ", "decode " })
        {
            Assert.Contains(text, outcome.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("train", "--checkpoint <path>", "--epochs <n>", "--seed <n>", "--init-seed <n>", "--batch-size <n>", "--learning-rate <rate>", "--train-pairs <n>", "--overwrite")]
    [InlineData("resume", "--checkpoint <path>")]
    [InlineData("evaluate", "--checkpoint <path>", "--beam <width>", "--validation-pairs <n>", "--decode-weights <format>")]
    [InlineData("decode", "--checkpoint <path>", "--beam <width>")]
    public void Each_commands_help_lists_its_options(string command, params string[] options)
    {
        var outcome = CommandRunner.Run("", command, "--help");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains($" {command} [options]", outcome.Output, StringComparison.Ordinal);
        foreach (var option in options)
        {
            Assert.Contains(option, outcome.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("resume")]
    [InlineData("evaluate")]
    [InlineData("decode")]
    public void A_missing_checkpoint_is_a_failure_that_says_how_to_write_one(string command)
    {
        var path = folder.File("none.safetensors");

        var outcome = CommandRunner.Run("i m cold\n", command, "--checkpoint", path);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("", outcome.Output);
        Assert.Equal($"Translate: There is no checkpoint at {path}. Write one with 'train --checkpoint {path}'.\n", outcome.Error);
    }

    [Fact]
    public void Train_refuses_to_replace_an_existing_checkpoint_without_overwrite()
    {
        var path = folder.File("run.safetensors");
        File.WriteAllText(path, "an earlier run");

        var outcome = CommandRunner.Run("", "train", "--checkpoint", path);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("", outcome.Output);
        Assert.Contains($"{path} exists already", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("--overwrite", outcome.Error, StringComparison.Ordinal);
        Assert.Equal("an earlier run", File.ReadAllText(path));
    }

    [Fact]
    public void A_checkpoint_without_vocabularies_or_run_settings_cannot_be_decoded_or_resumed()
    {
        var path = folder.File("weights.safetensors");
        var model = new Translator();
        model.InitializeParameters(3);
        Checkpoint.Save(path, model);

        var decode = CommandRunner.Run("i m cold\n", "decode", "--checkpoint", path);
        var resume = CommandRunner.Run("", "resume", "--checkpoint", path);

        Assert.Equal(1, decode.ExitCode);
        Assert.Equal("", decode.Output);
        Assert.Contains("holds no vocabularies", decode.Error, StringComparison.Ordinal);
        Assert.Equal(1, resume.ExitCode);
        Assert.Contains("was not written by 'train'", resume.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_a_failure_naming_it()
    {
        var path = folder.File("notes.safetensors");
        File.WriteAllText(path, "not a safetensors file at all");

        var outcome = CommandRunner.Run("", "evaluate", "--checkpoint", path);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("", outcome.Output);
        Assert.StartsWith($"Translate: Checkpoint '{path}':", outcome.Error, StringComparison.Ordinal);
    }
}
