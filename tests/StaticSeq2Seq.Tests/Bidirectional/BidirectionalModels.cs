using Xunit;
using StaticSeq2Seq.Tests.Models;

namespace StaticSeq2Seq.Tests.Bidirectional;

/// <summary>The bidirectional test models by name.</summary>
internal static class BidirectionalModels
{
    private static readonly Dictionary<string, Func<ISeq2SeqModel>> Factories = new(StringComparer.Ordinal)
    {
        [nameof(BiRnn1)] = () => new BiRnn1(),
        [nameof(BiRnn1LuongDot)] = () => new BiRnn1LuongDot(),
        [nameof(BiRnn2)] = () => new BiRnn2(),
        [nameof(BiRnn2Bahdanau)] = () => new BiRnn2Bahdanau(),
        [nameof(BiGru1)] = () => new BiGru1(),
        [nameof(BiGru1Bahdanau)] = () => new BiGru1Bahdanau(),
        [nameof(BiGru2)] = () => new BiGru2(),
        [nameof(BiGru2LuongGeneral)] = () => new BiGru2LuongGeneral(),
        [nameof(BiLstm1)] = () => new BiLstm1(),
        [nameof(BiLstm1LuongGeneral)] = () => new BiLstm1LuongGeneral(),
        [nameof(BiLstm2)] = () => new BiLstm2(),
        [nameof(BiLstm2Bahdanau)] = () => new BiLstm2Bahdanau(),
        [nameof(WideBiGru2Bahdanau)] = () => new WideBiGru2Bahdanau(),
    };

    public static IEnumerable<string> Names => Factories.Keys;

    public static TheoryData<string> All() => new(Names);

    public static ISeq2SeqModel Create(string name, ulong seed)
    {
        var model = Factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentOutOfRangeException(nameof(name), name, "Not a bidirectional test model.");
        model.InitializeParameters(seed);
        return model;
    }
}
