using System.Diagnostics;
using System.Globalization;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.CheckpointWorker;
using StaticSeq2Seq.Training;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Checkpoints;

/// <summary>
/// Checkpoints across processes, with tests/StaticSeq2Seq.CheckpointWorker as the other process: a run resumed in a new
/// process continues bit for bit, and a worker killed with SIGKILL at random moments, mid-step or mid-save, always leaves
/// a complete checkpoint whose parameters are exactly those of the step it records. The expected parameters come from
/// replaying <see cref="WorkerTraining"/>'s deterministic run here, in one uninterrupted process on one thread.
/// </summary>
public sealed class CrossProcessCheckpointTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan WorkerTimeout = TimeSpan.FromMinutes(2);

    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(9, 13)] // saved inside epoch 2; the second process finishes it and crosses two epoch ends
    [InlineData(12, 6)] // saved at the end of epoch 2
    public void Training_resumed_in_another_process_matches_the_uninterrupted_run_bit_for_bit(int firstSteps, int moreSteps)
    {
        var path = folder.File("run.safetensors");
        var clock = Stopwatch.StartNew();
        WorkerProcess.Run(WorkerTimeout, "train", path, Steps(firstSteps));
        Assert.Equal(firstSteps, Checkpoint.ReadInfo(path).Training!.StepsCompleted);
        WorkerProcess.Run(WorkerTimeout, "train", path, Steps(firstSteps + moreSteps));
        var workers = clock.Elapsed;

        var uninterrupted = WorkerTraining.CreateModel();
        using var uninterruptedTrainer = new Seq2SeqTrainer(uninterrupted, WorkerTraining.Options(WorkerTraining.Epochs));
        WorkerTraining.Train(uninterruptedTrainer, WorkerTraining.Pairs(), firstSteps + moreSteps, _ => { });

        var (resumed, resumedTrainer) = LoadWithTrainer(path);
        using var disposeResumed = resumedTrainer;
        Assert.Equal(firstSteps + moreSteps, resumedTrainer.StepsCompleted);
        Assert.Equal(uninterruptedTrainer.EpochsCompleted, resumedTrainer.EpochsCompleted);
        Assert.Equal(uninterruptedTrainer.EpochPairsCompleted, resumedTrainer.EpochPairsCompleted);
        AssertBitIdentical(uninterrupted.Parameters, resumed.Parameters, "parameters");
        var expectedMoments = CheckpointTestData.OptimizerBuffers(uninterruptedTrainer.Optimizer);
        var actualMoments = CheckpointTestData.OptimizerBuffers(resumedTrainer.Optimizer);
        for (var b = 0; b < expectedMoments.Length; b++)
        {
            AssertBitIdentical(expectedMoments[b], actualMoments[b], $"Adam moment {b + 1}");
        }
        output.WriteLine($"{firstSteps} steps in process 1, {moreSteps} in process 2: {workers.TotalSeconds:F1} s for both workers");
    }

    [Fact]
    public void A_worker_killed_at_random_moments_always_leaves_a_complete_checkpoint_of_a_step_it_reached()
    {
        const int Kills = 60;
        var clock = Stopwatch.StartNew();
        var expected = ReplayEveryStep();
        var replay = clock.Elapsed;

        var path = folder.File("model.safetensors");
        var random = new Random(20261124);
        int kills = 0, midSave = 0, finishedRuns = 0;
        long previousStep = 0, stepsSeen = 0;
        while (kills < Kills)
        {
            using var worker = WorkerProcess.Start("run", path);
            // Once the worker is saving step after step, a moment anywhere in the next few dozen steps and saves (a step
            // and its save take a few milliseconds).
            worker.WaitForLine("saved ", WorkerTimeout);
            Thread.Sleep(random.Next(0, 300));
            if (worker.HasExited)
            {
                Assert.True(worker.ExitCode == 0, $"The worker failed:\n{worker.Output}");
                finishedRuns++;
                File.Delete(path);
                previousStep = 0;
                continue;
            }
            worker.Kill();
            kills++;

            // A save interrupted between creating its temporary file and the rename leaves that file behind.
            var temporaries = Directory.GetFiles(folder.Path, ".model.safetensors.*.tmp");
            if (temporaries.Length > 0)
            {
                midSave++;
                Array.ForEach(temporaries, File.Delete);
            }
            Assert.True(File.Exists(path), $"Kill {kills}: the checkpoint is gone.");
            var (model, trainer) = LoadWithTrainer(path);
            using var disposeTrainer = trainer;
            var step = trainer.StepsCompleted;
            Assert.True(step >= previousStep, $"Kill {kills}: the checkpoint went back from step {previousStep} to {step}.");
            AssertBitIdentical(expected[step], model.Parameters, $"parameters after kill {kills}, at step {step}");
            stepsSeen += step - previousStep;
            previousStep = step;
            if (step == WorkerTraining.TotalSteps)
            {
                // The kill came after the run's last save, before the worker exited: the run is over, so start the next
                // one from scratch as when it exits on its own (a worker resumed here would have no epochs left).
                finishedRuns++;
                File.Delete(path);
                previousStep = 0;
            }
        }
        output.WriteLine(
            $"{kills} kills ({midSave} with a save in progress), {finishedRuns} runs finished, " +
            $"{stepsSeen} steps checked; replay of {WorkerTraining.TotalSteps} steps {replay.TotalSeconds:F1} s, all {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>The parameters after every step of the run, index 0 the initial ones: one uninterrupted run in this process.</summary>
    private static float[][] ReplayEveryStep()
    {
        var model = WorkerTraining.CreateModel();
        using var trainer = new Seq2SeqTrainer(model, WorkerTraining.Options(WorkerTraining.Epochs));
        var parameters = new List<float[]> { model.Parameters.ToArray() };
        WorkerTraining.Train(trainer, WorkerTraining.Pairs(), WorkerTraining.TotalSteps, step =>
        {
            Assert.Equal(parameters.Count, step);
            parameters.Add(model.Parameters.ToArray());
        });
        Assert.Equal(WorkerTraining.TotalSteps + 1, parameters.Count);
        return [.. parameters];
    }

    /// <summary>Loads the whole checkpoint, training state included, as a resumed run would (so a missing part fails).</summary>
    private static (WorkerModel Model, Seq2SeqTrainer Trainer) LoadWithTrainer(string path)
    {
        var saved = Checkpoint.ReadInfo(path).Training;
        Assert.True(saved is not null, "The checkpoint holds no training state.");
        var model = new WorkerModel();
        // A worker killed after its last save but before it exited left a finished run: no epochs remain, but a trainer
        // runs at least one, and loading does not start it.
        var trainer = new Seq2SeqTrainer(model, WorkerTraining.Options(Math.Max(1, WorkerTraining.Epochs - saved.EpochsCompleted)));
        Checkpoint.Load(path, model, trainer);
        return (model, trainer);
    }

    private static void AssertBitIdentical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"The {what} differ first at index {i}: expected {expected[i]:R}, got {actual[i]:R}.");
            }
        }
    }

    private static string Steps(int steps) => steps.ToString(CultureInfo.InvariantCulture);
}
