using StaticSeq2Seq.Data;

namespace StaticSeq2Seq.Testing;

/// <summary>
/// Random pairs that fit a model's shape, the same for the same seed: compiled into the test projects and the
/// checkpoint worker, so a test and a worker process train on identical data.
/// </summary>
internal static class RandomPairs
{
    /// <summary><paramref name="count"/> pairs of lengths 1 to the maximum, with token ids past the special tokens.</summary>
    public static SequencePair[] Create(ModelShape shape, int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        var pairs = new SequencePair[count];
        for (var i = 0; i < count; i++)
        {
            var source = new int[1 + random.NextInt(shape.MaxSourceLength)];
            var target = new int[1 + random.NextInt(shape.MaxTargetLength)];
            for (var t = 0; t < source.Length; t++)
            {
                source[t] = SpecialTokens.Count + random.NextInt(shape.SourceVocabularySize - SpecialTokens.Count);
            }
            for (var t = 0; t < target.Length; t++)
            {
                target[t] = SpecialTokens.Count + random.NextInt(shape.TargetVocabularySize - SpecialTokens.Count);
            }
            pairs[i] = new SequencePair(source, target);
        }
        return pairs;
    }
}
