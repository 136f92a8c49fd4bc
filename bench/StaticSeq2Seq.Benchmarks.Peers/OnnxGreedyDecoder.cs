using Microsoft.ML.OnnxRuntime;
using StaticSeq2Seq;

namespace StaticSeq2Seq.Benchmarks.Peers;

/// <summary>
/// Greedy decoding with ONNX Runtime at batch 1: the encoder and one decoder step exported from the PyTorch peer
/// (bench/pytorch/peer.py), run on one thread, every tensor bound once to a preallocated buffer so a step runs
/// the graph and an argmax and nothing else.
/// </summary>
public sealed class OnnxGreedyDecoder : IDisposable
{
    private readonly SessionOptions options;
    private readonly RunOptions runOptions = new();
    private readonly InferenceSession encoder;
    private readonly InferenceSession step;
    private readonly long[] source;
    private readonly long[] token = new long[1];
    private readonly float[] logits;
    private readonly OrtValue sourceValue;
    private readonly OrtValue logitsValue;
    private readonly OrtValue[] encoderOutputs;
    private readonly string[] stepInputNames;
    private readonly OrtValue[][] stepInputs = new OrtValue[2][];
    private readonly OrtValue[][] stepOutputs = new OrtValue[2][];
    private readonly List<OrtValue> owned = [];

    /// <summary>Loads encoder.onnx and step.onnx from <paramref name="directory"/>.</summary>
    public OnnxGreedyDecoder(string directory, ModelShape shape)
    {
        options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        encoder = new InferenceSession(Path.Combine(directory, "encoder.onnx"), options);
        step = new InferenceSession(Path.Combine(directory, "step.onnx"), options);
        TargetLength = shape.MaxTargetLength;
        source = new long[shape.MaxSourceLength];
        logits = new float[shape.TargetVocabularySize];
        long h = shape.HiddenSize;
        var keys = Own(new float[shape.MaxSourceLength * h], [shape.MaxSourceLength, h]);
        var projectedKeys = Own(new float[shape.MaxSourceLength * h], [shape.MaxSourceLength, h]);
        var states = new[] { Own(new float[h], [1, h]), Own(new float[h], [1, h]) };
        sourceValue = Own(source, [source.Length]);
        logitsValue = Own(logits, [1, logits.Length]);
        var tokenValue = Own(token, []);
        encoderOutputs = [keys, projectedKeys, states[0]];
        // An input the step does not read (the keys, without attention) is dropped from the exported graph.
        stepInputNames = step.InputNames.ToArray();
        for (var parity = 0; parity < 2; parity++)
        {
            var byName = new Dictionary<string, OrtValue>
            {
                ["token"] = tokenValue,
                ["state"] = states[parity],
                ["keys"] = keys,
                ["projected_keys"] = projectedKeys,
            };
            stepInputs[parity] = stepInputNames.Select(name => byName[name]).ToArray();
            stepOutputs[parity] = [logitsValue, states[1 - parity]];
        }
    }

    /// <summary>Decoder steps of one decode.</summary>
    public int TargetLength { get; }

    /// <summary>Encodes <paramref name="sourceTokens"/> and decodes exactly <see cref="TargetLength"/> tokens greedily.</summary>
    public void Decode(ReadOnlySpan<int> sourceTokens, Span<int> output)
    {
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = sourceTokens[i];
        }
        encoder.Run(runOptions, EncoderInputNames, [sourceValue], EncoderOutputNames, encoderOutputs);
        token[0] = SpecialTokens.Sos;
        for (var i = 0; i < TargetLength; i++)
        {
            step.Run(runOptions, stepInputNames, stepInputs[i & 1], StepOutputNames, stepOutputs[i & 1]);
            var best = 0;
            for (var v = 1; v < logits.Length; v++)
            {
                if (logits[v] > logits[best])
                {
                    best = v;
                }
            }
            token[0] = best;
            output[i] = best;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var value in owned)
        {
            value.Dispose();
        }
        step.Dispose();
        encoder.Dispose();
        runOptions.Dispose();
        options.Dispose();
    }

    private static readonly string[] EncoderInputNames = ["source"];
    private static readonly string[] EncoderOutputNames = ["keys", "projected_keys", "state"];
    private static readonly string[] StepOutputNames = ["logits", "next_state"];

    private OrtValue Own<T>(T[] buffer, long[] shape) where T : unmanaged
    {
        var value = OrtValue.CreateTensorValueFromMemory(buffer, shape);
        owned.Add(value);
        return value;
    }
}
