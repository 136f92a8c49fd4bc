using StaticSeq2Seq.Parameters;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>InitializeParameters follows PyTorch's defaults and is a pure function of the seed.</summary>
public sealed class ParameterInitialization
{
    public static TheoryData<string> Models => NumericsModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void The_same_seed_gives_the_same_parameters_and_another_seed_other_ones(string modelName)
    {
        var first = NumericsModels.Create(modelName, seed: 42);
        var second = NumericsModels.Create(modelName);
        second.Parameters.Fill(123f);
        second.InitializeParameters(42);
        Assert.True(first.Parameters.SequenceEqual(second.Parameters), $"{modelName}: two initialisations with seed 42 differ.");

        // Re-initialising an instance that has trained (here: scribbled on) gives the same values again.
        first.Parameters[first.Layout.Tensors[^1].Offset] = 99f;
        first.InitializeParameters(42);
        Assert.True(first.Parameters.SequenceEqual(second.Parameters), $"{modelName}: re-initialising with seed 42 did not restore the parameters.");

        var other = NumericsModels.Create(modelName, seed: 43);
        foreach (var tensor in first.Layout.Tensors)
        {
            var a = first.Parameters.Slice(tensor.Offset, tensor.Length);
            var b = other.Parameters.Slice(tensor.Offset, tensor.Length);
            var equal = 0;
            for (var i = 0; i < a.Length; i++)
            {
                equal += a[i] == b[i] ? 1 : 0;
            }
            Assert.True(equal <= tensor.Length / 10, $"{modelName}: seeds 42 and 43 give {equal} equal values out of {tensor.Length} in '{tensor.Name}'.");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Embeddings_look_standard_normal(string modelName)
    {
        // Pool both embeddings over enough seeds for ~4000 samples: the standard error of the mean is then ~0.016
        // and of the variance ~0.022, so the bounds below are about six standard errors wide.
        var model = NumericsModels.Create(modelName);
        var embeddings = model.Layout.Tensors.Where(t => t.Name.EndsWith(".embedding.weight", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, embeddings.Length);
        Assert.All(embeddings, t => Assert.Equal(ParameterInit.Normal, t.Init));
        var samples = new List<double>();
        for (ulong seed = 1; samples.Count < 4000; seed++)
        {
            model.InitializeParameters(seed);
            foreach (var tensor in embeddings)
            {
                foreach (var value in model.Parameters.Slice(tensor.Offset, tensor.Length))
                {
                    samples.Add(value);
                }
            }
        }
        var mean = samples.Average();
        var variance = samples.Sum(x => (x - mean) * (x - mean)) / (samples.Count - 1);
        var withinOne = samples.Count(x => Math.Abs(x) < 1) / (double)samples.Count;
        Assert.InRange(mean, -0.1, 0.1);
        Assert.InRange(variance, 0.87, 1.13);
        Assert.InRange(withinOne, 0.65, 0.72); // 0.6827 for N(0, 1); 0.577 for a uniform of the same variance
        Assert.Contains(samples, x => Math.Abs(x) > 3);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Recurrent_and_output_weights_and_biases_lie_within_one_over_the_square_root_of_the_hidden_size(string modelName)
    {
        // torch.nn.GRU/RNN draw every weight and bias from U(-1/sqrt(H), 1/sqrt(H)); torch.nn.Linear(H, V) draws
        // its weight (kaiming_uniform with a = sqrt(5)) and bias from the same bound, as its fan-in is H.
        var model = NumericsModels.Create(modelName);
        var bound = 1 / Math.Sqrt(model.Shape.HiddenSize);
        foreach (var tensor in model.Layout.Tensors.Where(t => !t.Name.EndsWith(".embedding.weight", StringComparison.Ordinal)))
        {
            Assert.Equal(ParameterInit.Uniform, tensor.Init);
            Assert.Equal(bound, tensor.InitBound, 1e-6);
            var samples = new List<double>();
            for (ulong seed = 1; samples.Count < 2000; seed++)
            {
                model.InitializeParameters(seed);
                foreach (var value in model.Parameters.Slice(tensor.Offset, tensor.Length))
                {
                    samples.Add(value);
                }
            }
            // The stored bound is 1/sqrt(H) rounded to float, which may lie a hair above the double value.
            var limit = Math.Max(bound, tensor.InitBound);
            Assert.All(samples, x => Assert.InRange(x, -limit, limit));
            // Spread over the whole interval: U(-b, b) has variance b^2 / 3 and reaches near both ends.
            var variance = samples.Sum(x => x * x) / samples.Count;
            Assert.InRange(variance / (bound * bound / 3), 0.85, 1.15);
            Assert.InRange(samples.Average() / bound, -0.08, 0.08);
            Assert.Contains(samples, x => x > 0.98 * bound);
            Assert.Contains(samples, x => x < -0.98 * bound);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Alignment_padding_is_zero_after_initialisation(string modelName)
    {
        var model = NumericsModels.Create(modelName);
        model.Parameters.Fill(float.NaN);
        model.InitializeParameters(9);
        var covered = new bool[model.Layout.ParameterCount];
        foreach (var tensor in model.Layout.Tensors)
        {
            Array.Fill(covered, true, tensor.Offset, tensor.Length);
        }
        for (var i = 0; i < covered.Length; i++)
        {
            Assert.True(covered[i] ? float.IsFinite(model.Parameters[i]) : model.Parameters[i] == 0f, $"{modelName}: float {i} is {model.Parameters[i]} after initialisation.");
        }
    }
}
