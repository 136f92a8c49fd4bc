using System.Diagnostics;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Training;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Checkpoints.Fuzzing;

/// <summary>
/// Loads 100,000 damaged checkpoints, made by <see cref="CheckpointMutator"/> from valid checkpoints of four models
/// (with and without vocabularies and trainer state), and holds the loader to its contract on every one: it loads or
/// throws a <see cref="CheckpointException"/>, never anything else; it finishes promptly; and it allocates no more
/// than a small multiple of the file's real size, whatever sizes the file claims.
/// </summary>
public sealed class CheckpointFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Cases = 100_000;
    private const int RootSeed = 20261124;

    // Loading a valid file allocates about 2 to 3 times its size (the header's JSON document, the tensors read before
    // any is copied in, the vocabularies); a failed load allocates its exception and message besides.
    private const long AllocationPerFileByte = 8;
    private const long AllocationAllowance = 256 * 1024;
    private static readonly TimeSpan MaxCaseTime = TimeSpan.FromSeconds(2);

    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>A valid checkpoint, and a model (with a trainer, when the file has training state) to load it into.</summary>
    private sealed record Subject(string Name, byte[] Valid, ISeq2SeqModel Model, Seq2SeqTrainer? Trainer);

    [Fact]
    public void Damaged_checkpoints_load_or_throw_a_checkpoint_exception_promptly_and_allocate_in_proportion_to_their_real_size()
    {
        var subjects = Subjects();
        var path = folder.File("fuzzed.safetensors");
        var findings = new List<string>();
        var outcomes = new int[CheckpointMutator.Kinds.Length, 3];
        var slowest = TimeSpan.Zero;
        var mostPerByte = 0.0;
        var total = Stopwatch.StartNew();

        for (var i = 0; i < Cases; i++)
        {
            var random = new Random(RootSeed + i);
            var subject = subjects[random.Next(subjects.Length)];
            var kind = random.Next(CheckpointMutator.Kinds.Length);
            var bytes = CheckpointMutator.Mutate(subject.Valid, kind, random);
            if (random.Next(8) == 0)
            {
                bytes = CheckpointMutator.Mutate(bytes.Length > 8 ? bytes : subject.Valid, random.Next(5), random);
            }
            File.WriteAllBytes(path, bytes);
            var trainer = random.Next(2) == 0 ? subject.Trainer : null;

            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            var outcome = 0;
            try
            {
                Checkpoint.Load(path, subject.Model, trainer);
            }
            catch (CheckpointFormatException)
            {
                outcome = 1;
            }
            catch (CheckpointMismatchException)
            {
                outcome = 2;
            }
            catch (Exception error)
            {
                findings.Add($"case {i} ({subject.Name}, {CheckpointMutator.Kinds[kind]}, trainer: {trainer is not null}): {error.GetType().Name}: {error.Message}");
                continue;
            }
            var elapsed = clock.Elapsed;
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            outcomes[kind, outcome]++;

            slowest = elapsed > slowest ? elapsed : slowest;
            if (elapsed > MaxCaseTime)
            {
                findings.Add($"case {i} ({subject.Name}, {CheckpointMutator.Kinds[kind]}): took {elapsed.TotalMilliseconds:F0} ms");
            }
            mostPerByte = Math.Max(mostPerByte, (allocated - AllocationAllowance) / (double)bytes.Length);
            if (allocated > AllocationPerFileByte * bytes.Length + AllocationAllowance)
            {
                findings.Add($"case {i} ({subject.Name}, {CheckpointMutator.Kinds[kind]}): allocated {allocated} bytes for a {bytes.Length}-byte file");
            }
        }

        output.WriteLine($"{Cases} cases in {total.Elapsed.TotalSeconds:F1} s; slowest load {slowest.TotalMilliseconds:F1} ms; " +
            $"most allocated beyond the allowance {mostPerByte:F2} bytes per file byte");
        for (var kind = 0; kind < CheckpointMutator.Kinds.Length; kind++)
        {
            output.WriteLine($"{CheckpointMutator.Kinds[kind],-16} loaded {outcomes[kind, 0],6}  format {outcomes[kind, 1],6}  mismatch {outcomes[kind, 2],6}");
        }
        Assert.True(findings.Count == 0, $"{findings.Count} of {Cases} cases broke the loader's contract:\n{string.Join("\n", findings.Take(20))}");
    }

    private Subject[] Subjects()
    {
        var pairs = new Func<ISeq2SeqModel, SequencePair[]>(model => CheckpointTestData.RandomPairs(model.Shape, 8, seed: 3));
        var subjects = new List<Subject>();

        var gru = CheckpointTestData.Model(nameof(TinyGru), 1);
        subjects.Add(Save("TinyGru with vocabularies", gru, null, CheckpointTestData.Vocabulary(11, "s"), CheckpointTestData.Vocabulary(13, "t")));

        var lstm = CheckpointTestData.Model(nameof(TinyLstm2), 2);
        var lstmTrainer = new Seq2SeqTrainer(lstm, CheckpointTestData.Options("Adam", epochs: 1));
        lstmTrainer.Train(pairs(lstm));
        subjects.Add(Save("TinyLstm2 with Adam state", lstm, lstmTrainer, null, null));

        var attention = new BahdanauGru();
        attention.InitializeParameters(3);
        var attentionTrainer = new Seq2SeqTrainer(attention, CheckpointTestData.Options("SGD", epochs: 1));
        attentionTrainer.Train(pairs(attention));
        subjects.Add(Save("BahdanauGru with SGD state and vocabularies", attention, attentionTrainer,
            CheckpointTestData.Vocabulary(9, "a"), CheckpointTestData.Vocabulary(13, "b")));

        // Weights only, as PyTorch's safetensors.torch.save_file writes them: no StaticSeq2Seq metadata.
        var rnn = CheckpointTestData.Model(nameof(TinyRnn), 4);
        var weightsOnly = Save("TinyRnn", rnn, null, null, null);
        var parts = SafetensorsParts.Read(Path.Combine(folder.Path, "TinyRnn.safetensors"));
        parts.Header.Remove("__metadata__");
        parts.Write(folder.File("weights-only.safetensors"));
        subjects.Add(weightsOnly with { Name = "TinyRnn weights only", Valid = File.ReadAllBytes(folder.File("weights-only.safetensors")) });

        // Each valid file loads: the fuzzing starts from files the loader accepts.
        foreach (var subject in subjects)
        {
            File.WriteAllBytes(folder.File("valid.safetensors"), subject.Valid);
            Checkpoint.Load(folder.File("valid.safetensors"), subject.Model, subject.Trainer);
        }
        return [.. subjects];
    }

    private Subject Save(string name, ISeq2SeqModel model, Seq2SeqTrainer? trainer, Vocabulary? source, Vocabulary? target)
    {
        var file = folder.File(name.Split(' ')[0] + ".safetensors");
        Checkpoint.Save(file, model, source, target, trainer);
        return new Subject(name, File.ReadAllBytes(file), model, trainer);
    }
}
