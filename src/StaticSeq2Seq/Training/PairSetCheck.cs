using System;
using System.Collections.Generic;
using StaticSeq2Seq.Data;

namespace StaticSeq2Seq.Training;

/// <summary>
/// Checks a whole set of pairs against a model's shape before training starts, so a bad pair stops the run at
/// once, by its index, rather than deep into an epoch.
/// </summary>
internal static class PairSetCheck
{
    /// <exception cref="ArgumentException">The set is null, or a pair is null, empty, too long or holds an id outside its vocabulary.</exception>
    public static void Check(ModelShape shape, IReadOnlyList<SequencePair> pairs, string setName, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(pairs, parameterName);
        for (var index = 0; index < pairs.Count; index++)
        {
            var pair = pairs[index]
                ?? throw new ArgumentException($"The {setName} set's pair {index} is null; remove it.", parameterName);
            CheckSequence(pair.Source, shape.MaxSourceLength, shape.SourceVocabularySize, "source", "MaxSourceLength", "SourceVocabularySize", setName, index, parameterName);
            CheckSequence(pair.Target, shape.MaxTargetLength, shape.TargetVocabularySize, "target", "MaxTargetLength", "TargetVocabularySize", setName, index, parameterName);
        }
    }

    private static void CheckSequence(
        int[] tokens, int maxLength, int vocabularySize, string side, string lengthSetting, string vocabularySetting,
        string setName, int index, string parameterName)
    {
        if (tokens.Length == 0)
        {
            throw new ArgumentException($"The {setName} set's pair {index} has an empty {side}; every pair needs at least one {side} token. Remove the pair.", parameterName);
        }
        if (tokens.Length > maxLength)
        {
            throw new ArgumentException(
                $"The {setName} set's pair {index} has a {side} of {tokens.Length} tokens but the model takes at most {maxLength}. " +
                $"Drop or shorten such pairs, or raise {lengthSetting} in the model's attribute.",
                parameterName);
        }
        for (var position = 0; position < tokens.Length; position++)
        {
            if ((uint)tokens[position] >= (uint)vocabularySize)
            {
                throw new ArgumentException(
                    $"The {setName} set's pair {index} has {side} id {tokens[position]} at position {position}, outside the model's {vocabularySize} ids. " +
                    $"Encode with a vocabulary of at most {vocabularySize} tokens, or raise {vocabularySetting} in the model's attribute.",
                    parameterName);
            }
        }
    }
}
