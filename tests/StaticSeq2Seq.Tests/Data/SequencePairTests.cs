using StaticSeq2Seq.Data;
using Xunit;

namespace StaticSeq2Seq.Tests.Data;

public sealed class SequencePairTests
{
    [Fact]
    public void Holds_source_and_target()
    {
        var pair = new SequencePair([4, 5], [6]);

        Assert.Equal([4, 5], pair.Source);
        Assert.Equal([6], pair.Target);
    }

    [Fact]
    public void Rejects_missing_sequences()
    {
        Assert.Throws<ArgumentNullException>(() => new SequencePair(null!, [1]));
        Assert.Throws<ArgumentNullException>(() => new SequencePair([1], null!));
        Assert.Throws<ArgumentNullException>(() => new SequencePair([1], [2]) with { Target = null! });
    }

    [Fact]
    public void Deconstructs_into_source_and_target()
    {
        var (source, target) = new SequencePair([4, 5], [6]);

        Assert.Equal([4, 5], source);
        Assert.Equal([6], target);
    }
}
