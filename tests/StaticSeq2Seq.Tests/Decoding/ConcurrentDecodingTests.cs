using StaticSeq2Seq.Data;
using StaticSeq2Seq.Decoding;
using StaticSeq2Seq.Tests.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Training;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Decoding;

/// <summary>
/// One trained model shared by eight threads, each with its own workspace and beam decoder, decoding the same sources
/// greedily and by beam search at the same time: every result is bit for bit the one a single thread gets, because
/// decoding only reads the parameters and keeps all its state in the workspace and decoder.
/// </summary>
public sealed class ConcurrentDecodingTests(ITestOutputHelper output)
{
    private const int Threads = 8;
    private const int Sources = 200;
    private const int Rounds = 2;

    private static readonly BeamSearchOptions Beam = new() { BeamWidth = 4, NBest = 2, LengthPenalty = 0.6f };

    public static TheoryData<string> Models => new() { nameof(WideBahdanauGru2), nameof(WideGru), nameof(TinyLstm2) };

    [Theory]
    [MemberData(nameof(Models))]
    public void Eight_threads_decode_a_shared_model_exactly_as_one_thread_does(string name)
    {
        var model = Trained(name);
        var sources = CheckpointTestData.RandomPairs(model.Shape, Sources, seed: 77).Select(pair => pair.Source).ToArray();
        var expected = DecodeAll(model, sources, first: 0, rounds: 1);

        var results = new Decoded[Threads][];
        var errors = new Exception?[Threads];
        using var start = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            var index = t;
            threads[t] = new Thread(() =>
            {
                try
                {
                    start.SignalAndWait();
                    // Each thread starts at another source, so different sources are decoded at the same moment.
                    results[index] = DecodeAll(model, sources, first: index * Sources / Threads, Rounds);
                }
                catch (Exception error)
                {
                    errors[index] = error;
                }
            });
            threads[t].Start();
        }
        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.All(errors, error => Assert.Null(error));
        var decodes = 0;
        for (var t = 0; t < Threads; t++)
        {
            for (var i = 0; i < results[t].Length; i++)
            {
                Assert.Equal(expected[i % Sources], results[t][i]);
                decodes += 2;
            }
        }
        output.WriteLine($"{name}: {decodes} decodes ({Threads} threads, greedy and beam width {Beam.BeamWidth}) matched one thread's bit for bit");
    }

    /// <summary>One source's greedy tokens and its beam search's hypotheses, with the scores' bit patterns.</summary>
    private sealed record Decoded(string Greedy, string Beams);

    // Decodes every source, starting at first and wrapping around, rounds times; the results are put back in source order.
    private static Decoded[] DecodeAll(ISeq2SeqModel model, int[][] sources, int first, int rounds)
    {
        var workspace = model.CreateWorkspace();
        var decoder = new BeamSearchDecoder(model, Beam.BeamWidth);
        var output = new int[model.Shape.MaxTargetLength];
        var results = new Decoded[sources.Length * rounds];
        for (var n = 0; n < results.Length; n++)
        {
            var i = (first + n) % sources.Length;
            var round = n / sources.Length;
            var length = model.DecodeGreedy(workspace, sources[i], output);
            var count = decoder.Decode(workspace, sources[i], Beam);
            var beams = string.Join(" | ", Enumerable.Range(0, count).Select(rank =>
                $"{string.Join(",", decoder.GetTokens(rank).ToArray())} {BitConverter.DoubleToInt64Bits(decoder.GetScore(rank)):X}"));
            results[round * sources.Length + i] = new Decoded(string.Join(",", output[..length]), beams);
        }
        return results;
    }

    private static ISeq2SeqModel Trained(string name)
    {
        ISeq2SeqModel model = name switch
        {
            nameof(WideBahdanauGru2) => new WideBahdanauGru2(),
            nameof(WideGru) => new WideGru(),
            _ => new TinyLstm2(),
        };
        model.InitializeParameters(21);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 64, seed: 22);
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Epochs = 3, BatchSize = 8, Seed = 23, MeasureSequenceAccuracy = false });
        trainer.Train(pairs);
        return model;
    }
}
