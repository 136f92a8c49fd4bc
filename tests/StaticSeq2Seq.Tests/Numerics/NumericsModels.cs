using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>The test models by name (so theory cases read well) and the inputs the numerics tests feed them.</summary>
internal static class NumericsModels
{
    public static readonly string[] Names = [nameof(TinyGru), nameof(TinyGru2), nameof(TinyRnn), nameof(TinyRnn2), nameof(WideGru)];

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names)
        {
            data.Add(name);
        }
        return data;
    }

    public static ISeq2SeqModel Create(string name) => name switch
    {
        nameof(TinyGru) => new TinyGru(),
        nameof(TinyGru2) => new TinyGru2(),
        nameof(TinyRnn) => new TinyRnn(),
        nameof(TinyRnn2) => new TinyRnn2(),
        nameof(WideGru) => new WideGru(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a test model."),
    };

    public static ISeq2SeqModel Create(string name, ulong seed)
    {
        var model = Create(name);
        model.InitializeParameters(seed);
        return model;
    }

    /// <summary>
    /// Source/target pairs covering the corners (length 1 and the maximum on each side, the first and last ids of
    /// each vocabulary) and then random pairs of random lengths over the whole vocabulary.
    /// </summary>
    public static List<(int[] Source, int[] Target)> Inputs(ModelShape shape, int seed, int randomCount)
    {
        var random = new Random(seed);
        int maxS = shape.MaxSourceLength, maxT = shape.MaxTargetLength;
        int vs = shape.SourceVocabularySize, vt = shape.TargetVocabularySize;
        var pairs = new List<(int[], int[])>
        {
            (Tokens(random, 1, vs), Tokens(random, 1, vt)),
            (Tokens(random, maxS, vs), Tokens(random, maxT, vt)),
            (Tokens(random, 1, vs), Tokens(random, maxT, vt)),
            (Tokens(random, maxS, vs), Tokens(random, 1, vt)),
            (Enumerable.Repeat(vs - 1, maxS).ToArray(), Enumerable.Repeat(vt - 1, maxT).ToArray()),
            ([0], [0]),
        };
        for (var i = 0; i < randomCount; i++)
        {
            pairs.Add((Tokens(random, random.Next(1, maxS + 1), vs), Tokens(random, random.Next(1, maxT + 1), vt)));
        }
        return pairs;
    }

    public static int[] Tokens(Random random, int length, int vocabulary)
    {
        var tokens = new int[length];
        for (var i = 0; i < length; i++)
        {
            tokens[i] = random.Next(vocabulary);
        }
        return tokens;
    }

    public static string Show(IEnumerable<int> tokens) => "[" + string.Join(", ", tokens) + "]";
}
