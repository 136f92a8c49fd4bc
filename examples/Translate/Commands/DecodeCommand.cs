using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Decoding;
using StaticSeq2Seq.Text;

namespace Translate.Commands;

/// <summary>
/// <c>decode</c>: translates each line of the input, normalised as the training data was, and writes one line of
/// French per line read (an empty line for an empty one), as soon as it is translated.
/// </summary>
internal static class DecodeCommand
{
    public static int Run(CommandContext context, string checkpointArgument, int beamWidth)
    {
        var checkpoint = CheckpointFiles.ExistingCheckpoint(checkpointArgument);
        var model = new Translator();
        var info = Checkpoint.Load(checkpoint, model);
        var (english, french) = CheckpointFiles.Of(info, checkpoint);
        var workspace = model.CreateWorkspace();
        var output = new int[Translator.MaxTargetLength];
        var beam = beamWidth > 1 ? new BeamSearchDecoder(model, beamWidth) : null;
        var beamOptions = new BeamSearchOptions { BeamWidth = beamWidth, LengthPenalty = ValidationReport.LengthPenalty };

        var lineNumber = 0;
        while (context.Input.ReadLine() is { } line)
        {
            lineNumber++;
            var words = TutorialNormalizer.Tokenize(TutorialNormalizer.Normalize(line));
            if (words.Length > Translator.MaxSourceLength)
            {
                context.Error.WriteLine(
                    $"line {lineNumber}: {words.Length} words, more than the {Translator.MaxSourceLength} the model reads; translating the first {Translator.MaxSourceLength}.");
                words = words[..Translator.MaxSourceLength];
            }
            if (words.Length == 0)
            {
                context.Output.WriteLine();
                continue;
            }
            var source = english.Encode(words);
            ReadOnlySpan<int> translation;
            if (beam is null)
            {
                translation = output.AsSpan(0, model.DecodeGreedy(workspace, source, output));
            }
            else
            {
                beam.Decode(workspace, source, beamOptions);
                translation = beam.GetTokens(0);
            }
            context.Output.WriteLine(string.Join(' ', ValidationReport.Words(french, translation)));
            context.Output.Flush();
        }
        return 0;
    }
}
