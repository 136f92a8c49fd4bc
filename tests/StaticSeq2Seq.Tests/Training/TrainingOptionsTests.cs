using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Training;

public sealed class TrainingOptionsTests
{
    [Fact]
    public void Defaults_are_usable()
    {
        var options = new TrainingOptions();

        Assert.Equal(10, options.Epochs);
        Assert.Equal(32, options.BatchSize);
        Assert.Equal(1f, options.ClipNorm);
        Assert.IsType<Adam>(options.CreateOptimizer(8));
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.ProgressInterval);
    }

    [Fact]
    public void Out_of_range_values_are_rejected_where_they_are_set()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Epochs = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { BatchSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { ClipNorm = float.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { ProgressInterval = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentNullException>(() => new TrainingOptions { CreateOptimizer = null! });
    }

    [Fact]
    public void A_clip_norm_of_zero_or_less_turns_clipping_off()
    {
        var options = new TrainingOptions { ClipNorm = -1f };

        Assert.Equal(-1f, options.ClipNorm);
    }
}
