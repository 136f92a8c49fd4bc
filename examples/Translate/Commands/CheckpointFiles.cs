using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Data;

namespace Translate.Commands;

internal static class CheckpointFiles
{
    /// <summary>The full path of <paramref name="path"/>, which must name an existing checkpoint.</summary>
    /// <exception cref="CommandFailedException">There is no file there.</exception>
    public static string ExistingCheckpoint(string path)
    {
        var fullPath = Path.GetFullPath(path);
        return File.Exists(fullPath)
            ? fullPath
            : throw new CommandFailedException($"There is no checkpoint at {fullPath}. Write one with 'train --checkpoint {path}'.");
    }

    /// <summary>The English and French vocabularies a checkpoint written by <c>train</c> holds.</summary>
    /// <exception cref="CommandFailedException">The checkpoint holds no vocabularies.</exception>
    public static (Vocabulary English, Vocabulary French) Of(CheckpointInfo info, string path) =>
        info is { SourceVocabulary: { } english, TargetVocabulary: { } french }
            ? (english, french)
            : throw new CommandFailedException(
                $"Checkpoint '{path}' holds no vocabularies, so its ids cannot be turned into words. Use a checkpoint written by 'train'.");
}
