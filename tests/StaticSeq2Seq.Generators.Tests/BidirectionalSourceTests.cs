using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// Whole-file baselines of a bidirectional encoder's generated source: the reverse direction's layer steps and
/// tensors, the layer-by-layer encoder pass with its summing bridge and its backward pass, and attention reading the
/// summed outputs. Two LSTM layers, so the second layer's [forward ; reverse] input and both h and c bridges show.
/// </summary>
public sealed class BidirectionalSourceTests
{
    [Fact]
    public void BidirectionalTwoLayerLstmWithLuongDot()
    {
        var run = GeneratorHarness.Run("""
            using StaticSeq2Seq;

            namespace Demo;

            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 6, EmbeddingSize = 3, HiddenSize = 5,
                          Layers = 2, Cell = RecurrentCell.Lstm, MaxSourceLength = 3, MaxTargetLength = 2,
                          Attention = AttentionKind.LuongDot, BidirectionalEncoder = true)]
            public partial class TinyBidirectional;
            """);

        run.AssertCompilesCleanly();
        Snapshots.Match(run);
    }
}
