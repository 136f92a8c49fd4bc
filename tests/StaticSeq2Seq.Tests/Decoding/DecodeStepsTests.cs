using StaticSeq2Seq.Decoding;
using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Decoding;

/// <summary>
/// <see cref="IStepDecoder.DecodeSteps"/> runs several hypotheses in one call and must give, bit for bit, what
/// <see cref="IStepDecoder.DecodeStep"/> gives one hypothesis at a time (whose values the reference and PyTorch tests
/// check): next states, logits and attention weights, whatever the cell, layer count, attention, encoder, decoding
/// table or narrowed weights, and for more hypotheses than one pass of the workspace holds.
/// </summary>
public sealed class DecodeStepsTests
{
    private static ISeq2SeqModel Create(string name) => name switch
    {
        nameof(TinyGru) => new TinyGru(),
        nameof(TinyRnn2) => new TinyRnn2(),
        nameof(TinyLstm2) => new TinyLstm2(),
        nameof(WideGru) => new WideGru(),
        nameof(TinyVocabGru) => new TinyVocabGru(),
        nameof(BahdanauGru) => new BahdanauGru(),
        nameof(BahdanauLstm2) => new BahdanauLstm2(),
        nameof(LuongDotRnn) => new LuongDotRnn(),
        nameof(LuongGeneralGru2) => new LuongGeneralGru2(),
        nameof(WideLuongGeneralLstm) => new WideLuongGeneralLstm(),
        nameof(BiGru2LuongGeneral) => new BiGru2LuongGeneral(),
        nameof(BiLstm2Bahdanau) => new BiLstm2Bahdanau(),
        nameof(BFloat16LuongLstm2) => new BFloat16LuongLstm2(),
        nameof(BFloat16BahdanauGru2) => new BFloat16BahdanauGru2(),
        nameof(Int8Gru) => new Int8Gru(),
        nameof(Int8BidirectionalBahdanauLstm2) => new Int8BidirectionalBahdanauLstm2(),
        nameof(Int8DynamicBahdanauGru2) => new Int8DynamicBahdanauGru2(),
        nameof(Int8DynamicLuongGeneralLstm2) => new Int8DynamicLuongGeneralLstm2(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a test model of this class."),
    };

    public static TheoryData<string> Models => new(
        nameof(TinyGru), nameof(TinyRnn2), nameof(TinyLstm2), nameof(WideGru), nameof(TinyVocabGru),
        nameof(BahdanauGru), nameof(BahdanauLstm2), nameof(LuongDotRnn), nameof(LuongGeneralGru2), nameof(WideLuongGeneralLstm),
        nameof(BiGru2LuongGeneral), nameof(BiLstm2Bahdanau),
        nameof(BFloat16LuongLstm2), nameof(BFloat16BahdanauGru2), nameof(Int8Gru), nameof(Int8BidirectionalBahdanauLstm2),
        nameof(Int8DynamicBahdanauGru2), nameof(Int8DynamicLuongGeneralLstm2));

    [Theory]
    [MemberData(nameof(Models))]
    public void Several_hypotheses_in_one_call_give_the_bits_of_one_step_at_a_time(string modelName)
    {
        var model = Create(modelName);
        model.InitializeParameters(seed: 3);
        var shape = model.Shape;
        var workspace = model.CreateWorkspace();
        var random = new Random(17);
        var stateSize = model.DecoderStateSize;
        var vocabulary = shape.TargetVocabularySize;
        var sourceWidth = shape.MaxSourceLength;
        var onePass = shape.MaxTargetLength + 1;
        foreach (var count in new[] { 1, 2, onePass, onePass + 3, 2 * onePass + 1 })
        {
            var source = Tokens(random, random.Next(1, shape.MaxSourceLength + 1), shape.SourceVocabularySize);
            var initial = new float[stateSize];
            model.BeginDecode(workspace, source, initial);
            // Distinct states and tokens, so a hypothesis that read another's state or token would show.
            var states = new float[count * stateSize];
            for (var i = 0; i < states.Length; i++)
            {
                states[i] = initial[i % stateSize] + (float)(random.NextDouble() - 0.5);
            }
            var tokens = Tokens(random, count, vocabulary);

            var expectedStates = new float[count * stateSize];
            var expectedLogits = new float[count * vocabulary];
            var expectedWeights = new float[count * sourceWidth];
            for (var k = 0; k < count; k++)
            {
                model.DecodeStep(workspace, states.AsSpan(k * stateSize, stateSize), tokens[k],
                    expectedStates.AsSpan(k * stateSize, stateSize), expectedLogits.AsSpan(k * vocabulary, vocabulary));
                model.GetStepAttentionWeights(workspace).CopyTo(expectedWeights.AsSpan(k * sourceWidth));
            }

            var nextStates = new float[count * stateSize];
            var logits = new float[count * vocabulary];
            var weights = new float[count * sourceWidth];
            model.DecodeSteps(workspace, states, tokens, nextStates, logits, weights);

            Assert.Equal(Bits(expectedStates), Bits(nextStates));
            Assert.Equal(Bits(expectedLogits), Bits(logits));
            Assert.Equal(Bits(expectedWeights), Bits(weights));
            if (shape.Attention != AttentionKind.None)
            {
                Assert.Contains(weights, weight => weight != 0f);
            }
        }
    }

    [Fact]
    public void Without_attention_weights_requested_the_steps_are_the_same()
    {
        var model = new BahdanauLstm2();
        model.InitializeParameters(seed: 4);
        var workspace = model.CreateWorkspace();
        var stateSize = model.DecoderStateSize;
        var vocabulary = model.Shape.TargetVocabularySize;
        var states = new float[3 * stateSize];
        model.BeginDecode(workspace, [4, 5, 6], states.AsSpan(0, stateSize));
        states.AsSpan(0, stateSize).CopyTo(states.AsSpan(stateSize));
        states.AsSpan(0, stateSize).CopyTo(states.AsSpan(2 * stateSize));
        int[] tokens = [SpecialTokens.Sos, 7, 9];
        var withWeights = (States: new float[states.Length], Logits: new float[3 * vocabulary]);
        var without = (States: new float[states.Length], Logits: new float[3 * vocabulary]);
        model.DecodeSteps(workspace, states, tokens, withWeights.States, withWeights.Logits, new float[3 * model.Shape.MaxSourceLength]);
        model.DecodeSteps(workspace, states, tokens, without.States, without.Logits, default);
        Assert.Equal(Bits(withWeights.States), Bits(without.States));
        Assert.Equal(Bits(withWeights.Logits), Bits(without.Logits));
    }

    [Fact]
    public void No_tokens_is_no_step()
    {
        var model = new BahdanauGru();
        model.InitializeParameters(seed: 5);
        var workspace = model.CreateWorkspace();
        model.BeginDecode(workspace, [4, 5], new float[model.DecoderStateSize]);
        var logits = new float[model.Shape.TargetVocabularySize];
        logits.AsSpan().Fill(42f);
        model.DecodeSteps(workspace, [], [], [], logits, []);
        Assert.All(logits, logit => Assert.Equal(42f, logit));
    }

    [Theory]
    [InlineData("states")]
    [InlineData("nextStates")]
    [InlineData("logits")]
    [InlineData("attentionWeights")]
    public void A_buffer_too_short_for_the_hypotheses_is_refused_by_name(string buffer)
    {
        var model = new BahdanauGru();
        model.InitializeParameters(seed: 6);
        var workspace = model.CreateWorkspace();
        var stateSize = model.DecoderStateSize;
        model.BeginDecode(workspace, [4, 5], new float[stateSize]);
        const int Count = 3;
        var states = new float[(buffer == "states" ? Count - 1 : Count) * stateSize];
        var nextStates = new float[(buffer == "nextStates" ? Count - 1 : Count) * stateSize];
        var logits = new float[Count * model.Shape.TargetVocabularySize - (buffer == "logits" ? 1 : 0)];
        var weights = new float[Count * model.Shape.MaxSourceLength - (buffer == "attentionWeights" ? 1 : 0)];
        var error = Assert.Throws<ArgumentException>(() =>
            model.DecodeSteps(workspace, states, [4, 5, 6], nextStates, logits, weights));
        Assert.Equal(buffer, error.ParamName);
        Assert.Contains("3 hypotheses", error.Message);
    }

    [Fact]
    public void A_token_outside_the_target_vocabulary_is_refused()
    {
        var model = new TinyGru();
        model.InitializeParameters(seed: 7);
        var workspace = model.CreateWorkspace();
        var stateSize = model.DecoderStateSize;
        var vocabulary = model.Shape.TargetVocabularySize;
        model.BeginDecode(workspace, [4, 5], new float[stateSize]);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            model.DecodeSteps(workspace, new float[2 * stateSize], [4, vocabulary], new float[2 * stateSize], new float[2 * vocabulary], default));
        Assert.Equal("tokens", error.ParamName);
        Assert.Contains($"id {vocabulary}", error.Message);
    }

    [Fact]
    public void A_warm_call_allocates_nothing()
    {
        var model = new WideBahdanauGru2();
        model.InitializeParameters(seed: 8);
        var workspace = model.CreateWorkspace();
        var stateSize = model.DecoderStateSize;
        const int Count = 4;
        var states = new float[Count * stateSize];
        model.BeginDecode(workspace, [4, 5, 6], states.AsSpan(0, stateSize));
        int[] tokens = [SpecialTokens.Sos, 4, 5, 6];
        var nextStates = new float[Count * stateSize];
        var logits = new float[Count * model.Shape.TargetVocabularySize];
        var weights = new float[Count * model.Shape.MaxSourceLength];
        model.DecodeSteps(workspace, states, tokens, nextStates, logits, weights);
        var before = GC.GetAllocatedBytesForCurrentThread();
        model.DecodeSteps(workspace, states, tokens, nextStates, logits, weights);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static int[] Tokens(Random random, int length, int vocabulary) =>
        Enumerable.Range(0, length).Select(_ => random.Next(SpecialTokens.Count, vocabulary)).ToArray();

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
