using Reverse;
using StaticSeq2Seq.Decoding;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Training;

// Learn to reverse sequences: the seq2seq "hello world". The encoder must hold the whole sequence in its
// final state, and the decoder must unroll it backwards.
var vocabulary = ReversalData.CreateVocabulary();
var (train, heldOut) = ReversalData.Create(trainCount: 60_000, heldOutCount: 1_000, seed: 2026);
Console.WriteLine($"Reverse: {train.Count:N0} training and {heldOut.Count:N0} held-out sequences of {ReversalData.MinLength} to {ReversalData.MaxLength} words from {ReversalData.Words}.");

var model = new Reverser();
model.InitializeParameters(seed: 1);
Console.WriteLine($"Model: GRU, E = {Reverser.EmbeddingSize}, H = {Reverser.HiddenSize}, {Reverser.ParameterCount:N0} parameter floats.");

var options = new TrainingOptions
{
    Epochs = 10,
    BatchSize = 32,
    Seed = 7,
    ClipNorm = 5f,
    CreateOptimizer = count => new Adam(count, learningRate: 3e-3f),
    ProgressInterval = TimeSpan.FromSeconds(2),
};
using var trainer = new Seq2SeqTrainer(model, options);
var summary = trainer.Train(train, heldOut, new EpochEndDecay(TrainingProgressWriter.ForConsole(), trainer, firstEpoch: 3, factor: 0.7f));

Console.WriteLine();
Console.WriteLine($"Trained {summary.Epochs} epochs ({summary.Steps:N0} steps) in {summary.Elapsed:m\\:ss} at {summary.PairsPerSecond:N0} pairs/s.");
var accuracy = Evaluation.ExactSequenceAccuracy(model, trainer.Workspace, heldOut);
Console.WriteLine($"Held-out exact-sequence accuracy: {accuracy:P1} of {heldOut.Count:N0} sequences.");

Console.WriteLine();
Console.WriteLine("Some held-out decodes, greedy and with a beam of 4:");
var output = new int[Reverser.MaxTargetLength];
var beam = new BeamSearchDecoder(model, maxBeamWidth: 4);
var beamOptions = new BeamSearchOptions { BeamWidth = 4, LengthPenalty = 0.6f };
foreach (var pair in heldOut.Take(5))
{
    var length = model.DecodeGreedy(trainer.Workspace, pair.Source, output);
    var greedy = output.AsSpan(0, length);
    beam.Decode(trainer.Workspace, pair.Source, beamOptions);
    Console.WriteLine($"  {vocabulary.Decode(pair.Source),-32} -> greedy {vocabulary.Decode(greedy),-32} {Mark(greedy, pair.Target)}");
    Console.WriteLine($"  {"",-32}    beam   {vocabulary.Decode(beam.GetTokens(0)),-32} {Mark(beam.GetTokens(0), pair.Target)}  log p {beam.GetLogProbability(0):F3}");
}
return accuracy >= 0.98 ? 0 : 1;

static string Mark(ReadOnlySpan<int> decoded, int[] expected) => decoded.SequenceEqual(expected) ? "ok" : "WRONG";
