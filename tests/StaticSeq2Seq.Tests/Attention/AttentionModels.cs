using Xunit;
using StaticSeq2Seq.Tests.Bidirectional;
using StaticSeq2Seq.Tests.Models;

namespace StaticSeq2Seq.Tests.Attention;

/// <summary>The attention test models by name, with the kind each declares, and the inputs the tests feed them.</summary>
internal static class AttentionModels
{
    public static TheoryData<string> All() => new(
        nameof(BahdanauGru), nameof(BahdanauLstm2), nameof(LuongDotRnn), nameof(LuongGeneralGru2), nameof(WideBahdanauGru2), nameof(WideLuongGeneralLstm));

    /// <summary>The attention models and the bidirectional ones (with and without attention), for the checks that apply to both.</summary>
    public static TheoryData<string> AllWithBidirectional()
    {
        var names = All();
        foreach (var name in BidirectionalModels.Names)
        {
            names.Add(name);
        }
        return names;
    }

    /// <summary>The models whose every parameter entry a finite-difference check can afford; of the wide ones it samples each tensor.</summary>
    public static bool IsWide(string name) => name.StartsWith("Wide", StringComparison.Ordinal);

    public static ISeq2SeqModel Create(string name, ulong seed)
    {
        ISeq2SeqModel model = name switch
        {
            nameof(BahdanauGru) => new BahdanauGru(),
            nameof(BahdanauLstm2) => new BahdanauLstm2(),
            nameof(LuongDotRnn) => new LuongDotRnn(),
            nameof(LuongGeneralGru2) => new LuongGeneralGru2(),
            nameof(WideBahdanauGru2) => new WideBahdanauGru2(),
            nameof(WideLuongGeneralLstm) => new WideLuongGeneralLstm(),
            _ => BidirectionalModels.Create(name, seed),
        };
        model.InitializeParameters(seed);
        return model;
    }

    /// <summary>The kind each model declares, read from its generated constant.</summary>
    public static AttentionKind Kind(string name) => name switch
    {
        nameof(BahdanauGru) => BahdanauGru.Attention,
        nameof(BahdanauLstm2) => BahdanauLstm2.Attention,
        nameof(LuongDotRnn) => LuongDotRnn.Attention,
        nameof(LuongGeneralGru2) => LuongGeneralGru2.Attention,
        nameof(WideBahdanauGru2) => WideBahdanauGru2.Attention,
        nameof(WideLuongGeneralLstm) => WideLuongGeneralLstm.Attention,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not an attention test model."),
    };

    /// <summary>Pairs covering the corners (a source of one token, the longest source and target) and random lengths between.</summary>
    public static List<(int[] Source, int[] Target)> Inputs(ModelShape shape, int seed, int randomCount)
    {
        var random = new Random(seed);
        int maxS = shape.MaxSourceLength, maxT = shape.MaxTargetLength;
        var pairs = new List<(int[], int[])>
        {
            (Tokens(random, 1, shape.SourceVocabularySize), Tokens(random, 1, shape.TargetVocabularySize)),
            (Tokens(random, maxS, shape.SourceVocabularySize), Tokens(random, maxT, shape.TargetVocabularySize)),
            (Tokens(random, 2, shape.SourceVocabularySize), Tokens(random, maxT, shape.TargetVocabularySize)),
        };
        for (var i = 0; i < randomCount; i++)
        {
            pairs.Add((Tokens(random, random.Next(1, maxS + 1), shape.SourceVocabularySize), Tokens(random, random.Next(1, maxT + 1), shape.TargetVocabularySize)));
        }
        return pairs;
    }

    public static int[] Tokens(Random random, int length, int vocabulary) =>
        Enumerable.Range(0, length).Select(_ => random.Next(vocabulary)).ToArray();
}
