using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Training;

public sealed class TrainingProgressWriterTests
{
    // Step 3 of 8: 37.5 % of the run, 9 of the bar's 24 characters.
    private static readonly TrainingProgress WithinEpoch = new(
        Epoch: 1, Epochs: 2, Step: 3, TotalSteps: 8, BatchLoss: 2.345678, EpochLoss: 2.5, GradientNorm: 1.0,
        PairsPerSecond: 1234.4, Elapsed: TimeSpan.FromSeconds(30), EstimatedTimeLeft: TimeSpan.FromSeconds(75),
        IsEpochEnd: false, Validation: null, ValidationSequenceAccuracy: null);

    private static readonly TrainingProgress EpochEnd = new(
        Epoch: 1, Epochs: 2, Step: 4, TotalSteps: 8, BatchLoss: 2.0, EpochLoss: 2.25, GradientNorm: 1.0,
        PairsPerSecond: 99.6, Elapsed: TimeSpan.FromSeconds(61), EstimatedTimeLeft: TimeSpan.FromSeconds(61),
        IsEpochEnd: true, Validation: new LossSummary(3.5, 0.7, 10, 50), ValidationSequenceAccuracy: 0.125);

    [Fact]
    public void The_bar_covers_the_runs_steps_and_shows_loss_pace_and_time_left()
    {
        Assert.Equal(
            "epoch 1/2 [#########---------------]  37%  loss 2.3457  1,234 pairs/s  1:15 left",
            TrainingProgressWriter.FormatBar(WithinEpoch));
    }

    [Fact]
    public void A_finished_run_fills_the_bar_and_an_hour_or_more_shows_hours()
    {
        var done = WithinEpoch with { Step = 8, EstimatedTimeLeft = TimeSpan.FromSeconds(3725) };

        Assert.Equal(
            "epoch 1/2 [########################] 100%  loss 2.3457  1,234 pairs/s  1:02:05 left",
            TrainingProgressWriter.FormatBar(done));
    }

    [Fact]
    public void The_epoch_line_has_the_validation_figures_when_measured_and_leaves_them_out_otherwise()
    {
        Assert.Equal(
            "epoch 1/2  train loss 2.2500  validation loss 3.5000  exact 12.5%  100 pairs/s  1:01 elapsed",
            TrainingProgressWriter.FormatEpochEnd(EpochEnd));
        Assert.Equal(
            "epoch 1/2  train loss 2.2500  100 pairs/s  1:01 elapsed",
            TrainingProgressWriter.FormatEpochEnd(EpochEnd with { Validation = null, ValidationSequenceAccuracy = null }));
    }

    [Fact]
    public void Skipped_steps_are_counted_on_both_lines_with_the_last_one_named()
    {
        IReadOnlyList<long> skipped = [17, 40];

        Assert.Equal(
            "epoch 1/2 [#########---------------]  37%  loss 2.3457  1,234 pairs/s  1:15 left  2 skipped (last: step 40)",
            TrainingProgressWriter.FormatBar(WithinEpoch with { SkippedSteps = skipped }));
        Assert.Equal(
            "epoch 1/2  train loss 2.2500  100 pairs/s  1:01 elapsed  2 skipped (last: step 40)",
            TrainingProgressWriter.FormatEpochEnd(EpochEnd with { Validation = null, ValidationSequenceAccuracy = null, SkippedSteps = skipped }));
    }

    [Fact]
    public void Into_a_file_every_report_is_a_line_of_its_own()
    {
        var output = new StringWriter { NewLine = "\n" };
        var writer = new TrainingProgressWriter(output, redrawInPlace: false);

        writer.Report(WithinEpoch);
        writer.Report(EpochEnd);

        Assert.Equal(
            "epoch 1/2 [#########---------------]  37%  loss 2.3457  1,234 pairs/s  1:15 left\n" +
            "epoch 1/2  train loss 2.2500  validation loss 3.5000  exact 12.5%  100 pairs/s  1:01 elapsed\n",
            output.ToString());
    }

    [Fact]
    public void On_a_terminal_the_bar_is_redrawn_in_place_and_the_epoch_line_covers_all_of_it()
    {
        var output = new StringWriter { NewLine = "\n" };
        var writer = new TrainingProgressWriter(output, redrawInPlace: true);
        var longer = WithinEpoch with { PairsPerSecond = 123456 };
        var shortEnd = EpochEnd with { Validation = null, ValidationSequenceAccuracy = null };

        writer.Report(longer);
        writer.Report(WithinEpoch);
        writer.Report(shortEnd);

        var longBar = "epoch 1/2 [#########---------------]  37%  loss 2.3457  123,456 pairs/s  1:15 left";
        var shortBar = "epoch 1/2 [#########---------------]  37%  loss 2.3457  1,234 pairs/s  1:15 left";
        var epochLine = "epoch 1/2  train loss 2.2500  100 pairs/s  1:01 elapsed";
        Assert.Equal(
            "\r" + longBar +
            "\r" + shortBar + "  " +
            "\r" + epochLine + new string(' ', shortBar.Length - epochLine.Length) + "\n",
            output.ToString());
    }
}
