using StaticSeq2Seq.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>The generated backward pass against finite differences of the loss.</summary>
public sealed class GeneratedBackwardPass(ITestOutputHelper output)
{
    // Reference finite differences: the generated model's float weights are copied into the double reference and
    // each entry is moved by ±1e-5. In double the quotient (L+ - L-) / 2e-5 carries about 1e-16 * L / 1e-5 ~ 1e-10
    // of roundoff and 1e-10 * L''' / 6 of truncation error, so it is the true gradient at the float weights to ~1e-9.
    // What remains is the generated gradient's own float error: each entry is a sum of up to (steps x rows) float
    // products of size <= 1, good to ~1e-7 absolute (the observed worst |a - n| is ~1.5e-7 on every model, a few
    // percent of this tolerance; each test prints it). Hence |a - n| <= 1e-5 + 1e-4 |n|: many times the float
    // noise, yet a dropped term, a missing factor (such as r in dL/d(W_hn h)) or a gradient landing in the wrong
    // entry is off by far more.
    private const double ReferenceStep = 1e-5;
    private const double ReferenceAbsolute = 1e-5;
    private const double ReferenceRelative = 1e-4;

    // Reference-free finite differences of the generated float Forward: the loss (~20) is only good to ~1e-6
    // absolute in float, so the step must be large (1e-2) to keep the quotient's noise near 1e-6 / 2e-2 = 5e-5,
    // and the truncation error h^2 L''' / 6 grows to ~1e-4 for the embedding entries. Hence a looser
    // |a - n| <= 2e-3 + 2e-2 |n|.
    private const float FloatStep = 1e-2f;
    private const double FloatAbsolute = 2e-3;
    private const double FloatRelative = 2e-2;

    public static TheoryData<string> Models => NumericsModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_parameter_tensor_gradient_matches_central_differences_of_the_reference_loss(string modelName)
    {
        var shape = NumericsModels.Create(modelName).Shape;
        // Small models: every entry of every tensor. WideGru (~40k floats): a sample of each tensor.
        var sample = modelName == "WideGru" ? 40 : int.MaxValue;
        var random = new Random(17);
        var cases = new (ulong Seed, int[] Source, int[] Target)[]
        {
            (1, NumericsModels.Tokens(random, shape.MaxSourceLength, shape.SourceVocabularySize), NumericsModels.Tokens(random, shape.MaxTargetLength, shape.TargetVocabularySize)),
            (2, NumericsModels.Tokens(random, 1, shape.SourceVocabularySize), NumericsModels.Tokens(random, 1, shape.TargetVocabularySize)),
            (3, NumericsModels.Tokens(random, 3, shape.SourceVocabularySize), NumericsModels.Tokens(random, 2, shape.TargetVocabularySize)),
        };
        var failures = new List<string>();
        foreach (var (seed, source, target) in cases)
        {
            var check = CheckAgainstReference(modelName, seed, source, target, sample);
            output.WriteLine(check.Report());
            if (!check.Passed)
            {
                failures.Add(check.Report());
            }
        }
        Assert.True(failures.Count == 0, "The generated Backward disagrees with finite differences of the reference loss:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void Gradient_matches_central_differences_of_the_generated_float_forward_without_the_reference()
    {
        // TinyGru, every entry, on the generated model alone: nothing here depends on the reference being right.
        var model = NumericsModels.Create("TinyGru", seed: 4);
        int[] source = [5, 9, 1, 10, 3, 7], target = [12, 4, 0, 8];
        var workspace = model.CreateWorkspace();
        model.Forward(workspace, source, target);
        var gradients = new float[model.Layout.ParameterCount];
        model.Backward(workspace, gradients, 1f);

        var check = new GradientCheck($"TinyGru, float forward differences, step {FloatStep}", FloatAbsolute, FloatRelative);
        foreach (var tensor in model.Layout.Tensors)
        {
            var analytic = new float[tensor.Length];
            tensor.CopyToPyTorchOrder(gradients, analytic);
            var values = new float[tensor.Length];
            tensor.CopyToPyTorchOrder(model.Parameters, values);
            double Loss(int index, float value)
            {
                var saved = values[index];
                values[index] = value;
                tensor.CopyFromPyTorchOrder(values, model.Parameters);
                double loss = model.Forward(workspace, source, target);
                values[index] = saved;
                tensor.CopyFromPyTorchOrder(values, model.Parameters);
                return loss;
            }
            double Numeric(int index)
            {
                float plus = values[index] + FloatStep, minus = values[index] - FloatStep;
                // Divide by the step the float weights really took.
                return (Loss(index, plus) - Loss(index, minus)) / ((double)plus - minus);
            }
            check.Tensor(tensor.Name, [.. tensor.Shape], Enumerable.Range(0, tensor.Length).ToArray(), i => analytic[i], Numeric);
        }
        output.WriteLine(check.Report());
        Assert.True(check.Passed, check.Report());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Loss_scale_multiplies_the_gradient(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 5);
        var workspace = model.CreateWorkspace();
        var random = new Random(5);
        var source = NumericsModels.Tokens(random, model.Shape.MaxSourceLength, model.Shape.SourceVocabularySize);
        var target = NumericsModels.Tokens(random, model.Shape.MaxTargetLength, model.Shape.TargetVocabularySize);
        var unit = Gradient(model, workspace, source, target, 1f);
        var largest = unit.Max(Math.Abs);
        Assert.True(largest > 0, "The gradient is identically zero.");
        foreach (var scale in new[] { 0.25f, 3f, -0.7f })
        {
            var scaled = Gradient(model, workspace, source, target, scale);
            // Float rounding differs between the scaled and unscaled passes; 1e-5 of the largest entry is
            // ~100 ulp of it, far below any real error (a scale applied twice or not at all is off by O(1)).
            for (var i = 0; i < unit.Length; i++)
            {
                var expected = scale * unit[i];
                Assert.True(
                    Math.Abs(scaled[i] - expected) <= 1e-5 * Math.Abs(scale) * largest,
                    $"{modelName}: with lossScale {scale}, gradient entry {i} is {scaled[i]:E6}; {scale} times the unscaled one is {expected:E6}.");
            }
        }
        Assert.All(Gradient(model, workspace, source, target, 0f), g => Assert.Equal(0f, g));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Backward_adds_into_the_gradient_buffer_instead_of_overwriting_it(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 6);
        var workspace = model.CreateWorkspace();
        var random = new Random(6);
        var source = NumericsModels.Tokens(random, 4, model.Shape.SourceVocabularySize);
        var target = NumericsModels.Tokens(random, 3, model.Shape.TargetVocabularySize);
        var once = Gradient(model, workspace, source, target, 1f);
        var largest = once.Max(Math.Abs);

        // Two forward and backward passes into one buffer: twice the gradient.
        var twice = new float[model.Layout.ParameterCount];
        model.Forward(workspace, source, target);
        model.Backward(workspace, twice, 1f);
        model.Forward(workspace, source, target);
        model.Backward(workspace, twice, 1f);
        for (var i = 0; i < once.Length; i++)
        {
            Assert.True(
                Math.Abs(twice[i] - 2 * once[i]) <= 1e-5 * largest,
                $"{modelName}: after two backward passes gradient entry {i} is {twice[i]:E6}, not twice {once[i]:E6}.");
        }

        // Into a buffer that already holds values: those values plus the gradient.
        var start = new float[model.Layout.ParameterCount];
        for (var i = 0; i < start.Length; i++)
        {
            start[i] = (float)(random.NextDouble() - 0.5);
        }
        var accumulated = (float[])start.Clone();
        model.Forward(workspace, source, target);
        model.Backward(workspace, accumulated, 1f);
        for (var i = 0; i < once.Length; i++)
        {
            Assert.True(
                Math.Abs(accumulated[i] - (start[i] + once[i])) <= 1e-5 * (largest + 1),
                $"{modelName}: gradient entry {i} started at {start[i]:E6} and became {accumulated[i]:E6}; the gradient is {once[i]:E6}.");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Backward_writes_nothing_into_alignment_padding_or_past_the_layout(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 8);
        var workspace = model.CreateWorkspace();
        var covered = new bool[model.Layout.ParameterCount];
        foreach (var tensor in model.Layout.Tensors)
        {
            Array.Fill(covered, true, tensor.Offset, tensor.Length);
        }
        // A longer buffer is allowed; the floats past ParameterCount must stay as they were.
        var gradients = new float[model.Layout.ParameterCount + 32];
        var source = Enumerable.Range(0, model.Shape.MaxSourceLength).Select(i => (i * 5 + 1) % model.Shape.SourceVocabularySize).ToArray();
        var target = Enumerable.Range(0, model.Shape.MaxTargetLength).Select(i => (i * 7 + 3) % model.Shape.TargetVocabularySize).ToArray();
        model.Forward(workspace, source, target);
        model.Backward(workspace, gradients, 1f);
        for (var i = 0; i < gradients.Length; i++)
        {
            if (i >= covered.Length || !covered[i])
            {
                Assert.True(gradients[i] == 0f, $"{modelName}: Backward wrote {gradients[i]} at float {i}, which belongs to no parameter tensor.");
            }
        }
    }

    private static float[] Gradient(ISeq2SeqModel model, Seq2SeqWorkspace workspace, int[] source, int[] target, float scale)
    {
        var gradients = new float[model.Layout.ParameterCount];
        model.Forward(workspace, source, target);
        model.Backward(workspace, gradients, scale);
        return gradients;
    }

    private static GradientCheck CheckAgainstReference(string modelName, ulong seed, int[] source, int[] target, int sample)
    {
        var model = NumericsModels.Create(modelName, seed);
        var workspace = model.CreateWorkspace();
        var loss = model.Forward(workspace, source, target);
        var gradients = new float[model.Layout.ParameterCount];
        model.Backward(workspace, gradients, 1f);

        var reference = ReferenceSeq2Seq.FromModel(model);
        var referenceLoss = reference.Loss(source, target);
        Assert.True(Math.Abs(loss - referenceLoss) <= 1e-4 * Math.Max(1, referenceLoss), $"The losses already differ: generated {loss}, reference {referenceLoss}.");

        var check = new GradientCheck(
            $"{modelName}, seed {seed}, source {NumericsModels.Show(source)}, target {NumericsModels.Show(target)}",
            ReferenceAbsolute,
            ReferenceRelative);
        var random = new Random((int)seed);
        foreach (var (name, shape) in ReferenceSeq2Seq.TensorShapes(model.Shape))
        {
            var tensor = model.Layout[name];
            var analytic = new float[tensor.Length];
            tensor.CopyToPyTorchOrder(gradients, analytic);
            var weights = reference.Weights[name];
            double Numeric(int index)
            {
                var saved = weights[index];
                weights[index] = saved + ReferenceStep;
                var plus = reference.Loss(source, target);
                weights[index] = saved - ReferenceStep;
                var minus = reference.Loss(source, target);
                weights[index] = saved;
                return (plus - minus) / (2 * ReferenceStep);
            }
            check.Tensor(name, shape, Entries(name, shape, source, target, sample, random), i => analytic[i], Numeric);
        }
        return check;
    }

    /// <summary>
    /// Which entries of a tensor to check: all of them when it has at most <paramref name="sample"/>; otherwise the
    /// first and last entry, and random ones, for an embedding mostly from the rows of tokens the input uses (the
    /// other rows' gradient is zero, which a few entries still confirm).
    /// </summary>
    private static int[] Entries(string name, int[] shape, int[] source, int[] target, int sample, Random random)
    {
        var length = shape.Aggregate(1, (product, d) => product * d);
        if (length <= sample)
        {
            return Enumerable.Range(0, length).ToArray();
        }
        var chosen = new SortedSet<int> { 0, length - 1 };
        if (name.EndsWith(".embedding.weight", StringComparison.Ordinal))
        {
            var rows = name.StartsWith("encoder", StringComparison.Ordinal)
                ? source.Distinct().ToArray()
                : target.Append(SpecialTokens.Sos).Distinct().ToArray();
            // Every entry of the used rows when they are few, else a sample of them (bounded, so this always ends).
            var usedEntries = rows.SelectMany(row => Enumerable.Range(row * shape[1], shape[1])).ToArray();
            random.Shuffle(usedEntries);
            foreach (var entry in usedEntries.Take(sample * 3 / 4))
            {
                chosen.Add(entry);
            }
        }
        while (chosen.Count < sample)
        {
            chosen.Add(random.Next(length));
        }
        return chosen.ToArray();
    }
}
