using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Lstm;

/// <summary>The LSTM test models by name (so theory cases read well), and the inputs the LSTM tests feed them.</summary>
internal static class LstmModels
{
    public static TheoryData<string> All() => new(nameof(TinyLstm), nameof(TinyLstm2));

    public static ISeq2SeqModel Create(string name) => name switch
    {
        nameof(TinyLstm) => new TinyLstm(),
        nameof(TinyLstm2) => new TinyLstm2(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not an LSTM test model."),
    };

    public static ISeq2SeqModel Create(string name, ulong seed)
    {
        var model = Create(name);
        model.InitializeParameters(seed);
        return model;
    }

    /// <summary>
    /// Writes weights drawn here, in PyTorch order, through the layout: embeddings N(0, 1)·<paramref name="embeddingScale"/>,
    /// everything else U(−<paramref name="bound"/>, <paramref name="bound"/>). Larger than PyTorch's initialisation, so the
    /// gates saturate and the output distribution is peaky.
    /// </summary>
    public static void WriteRandomWeights(ISeq2SeqModel model, Random random, double embeddingScale, double bound)
    {
        foreach (var tensor in model.Layout.Tensors)
        {
            var values = new float[tensor.Length];
            var embedding = tensor.Name.EndsWith(".embedding.weight", StringComparison.Ordinal);
            for (var k = 0; k < values.Length; k++)
            {
                values[k] = embedding
                    ? (float)(embeddingScale * Normal(random))
                    : (float)(bound * (2 * random.NextDouble() - 1));
            }
            tensor.CopyFromPyTorchOrder(values, model.Parameters);
        }
    }

    /// <summary>
    /// Source/target pairs covering the corners (length 1 and the maximum on each side, the first and last ids of each
    /// vocabulary, a repeated token) and then random pairs of random lengths.
    /// </summary>
    public static List<(int[] Source, int[] Target)> Inputs(ModelShape shape, int seed, int randomCount)
    {
        var random = new Random(seed);
        int maxS = shape.MaxSourceLength, maxT = shape.MaxTargetLength;
        int vs = shape.SourceVocabularySize, vt = shape.TargetVocabularySize;
        var pairs = new List<(int[], int[])>
        {
            (Tokens(random, maxS, vs), Tokens(random, maxT, vt)),
            (Tokens(random, 1, vs), Tokens(random, 1, vt)),
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

    public static string Show(IEnumerable<int> tokens) => "[" + string.Join(", ", tokens) + "]";

    private static int[] Tokens(Random random, int length, int vocabulary)
    {
        var tokens = new int[length];
        for (var i = 0; i < length; i++)
        {
            tokens[i] = random.Next(vocabulary);
        }
        return tokens;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
