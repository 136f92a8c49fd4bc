using StaticSeq2Seq;

namespace StaticSeq2Seq.Benchmarks;

/// <summary>
/// The arithmetic and memory traffic of one benchmarked operation, counted from the shape: multiply-adds of the
/// matrix-vector products and the attention's dot products (element-wise gate math, softmax and argmax are left out,
/// so the GFLOP/s derived from these counts slightly understate the work), and the parameter bytes a decoder step reads.
/// </summary>
public sealed class WorkCount
{
    /// <summary>Counts the work of <paramref name="shape"/>; one-layer models, any cell, no attention or Bahdanau.</summary>
    public WorkCount(ModelShape shape)
    {
        if (shape.Layers != 1 || shape.Attention is not (AttentionKind.None or AttentionKind.Bahdanau))
        {
            throw new ArgumentException("The counts cover one-layer models without attention or with Bahdanau attention.", nameof(shape));
        }
        long gates = shape.Cell switch { RecurrentCell.Gru => 3, RecurrentCell.Lstm => 4, _ => 1 };
        long e = shape.EmbeddingSize, h = shape.HiddenSize, v = shape.TargetVocabularySize;
        long sourceLength = shape.MaxSourceLength, targetLength = shape.MaxTargetLength;
        var bahdanau = shape.Attention == AttentionKind.Bahdanau;
        var decoderInput = bahdanau ? e + h : e;

        var encoderStep = gates * h * (e + h);
        var keys = bahdanau ? sourceLength * h * h : 0;
        var attentionStep = bahdanau ? h * h + 2 * sourceLength * h : 0;
        DecoderStepMultiplyAdds = attentionStep + gates * h * (decoderInput + h) + v * h;
        EncodeMultiplyAdds = sourceLength * encoderStep + keys;
        GreedyDecodeMultiplyAdds = EncodeMultiplyAdds + targetLength * DecoderStepMultiplyAdds;
        // Decoding reads layer 0's input products from per-token tables where the generator builds them: no Bahdanau
        // attention (whose input changes every step) and V × G floats within its 256 KiB budget
        // (DecoderInputTableRule.BudgetBytes, which the encoder's table shares).
        const long tableBudgetBytes = 256 * 1024;
        var encoderTable = !bahdanau && shape.SourceVocabularySize * gates * h * sizeof(float) <= tableBudgetBytes;
        var decoderTable = !bahdanau && v * gates * h * sizeof(float) <= tableBudgetBytes;
        GreedyDecodeRunMultiplyAdds = GreedyDecodeMultiplyAdds
                                      - (encoderTable ? sourceLength * gates * h * e : 0)
                                      - (decoderTable ? targetLength * gates * h * e : 0);
        BeamDecodeMultiplyAdds = EncodeMultiplyAdds + BeamWidth * targetLength * DecoderStepMultiplyAdds;
        // Teacher forcing runs target length + 1 decoder steps (EOS is appended); backward costs two forwards.
        TrainingPairMultiplyAdds = 3 * (EncodeMultiplyAdds + (targetLength + 1) * DecoderStepMultiplyAdds);

        var decoderParameters = gates * h * (decoderInput + h) + 2 * gates * h + v * h + v + e
                                + (bahdanau ? h * h + h + h + 1 : 0);
        DecoderStepWeightBytes = decoderParameters * sizeof(float);
        TargetLength = shape.MaxTargetLength;
    }

    /// <summary>The beam width the beam benchmarks use.</summary>
    public const int BeamWidth = 4;

    /// <summary>Decoder steps of one decode (the maximum target length; no early stop).</summary>
    public int TargetLength { get; }

    /// <summary>One decoder step: attention, cell and output projection.</summary>
    public long DecoderStepMultiplyAdds { get; }

    /// <summary>Encoding one source of the maximum length (and Bahdanau's keys).</summary>
    public long EncodeMultiplyAdds { get; }

    /// <summary>Encoding one source and decoding the maximum target length greedily.</summary>
    public long GreedyDecodeMultiplyAdds { get; }

    /// <summary>
    /// The multiply-adds a greedy decode actually runs: <see cref="GreedyDecodeMultiplyAdds"/> less the input products
    /// read as rows of the per-token tables, where the model has them.
    /// </summary>
    public long GreedyDecodeRunMultiplyAdds { get; }

    /// <summary>Encoding one source and decoding the maximum target length with <see cref="BeamWidth"/> hypotheses.</summary>
    public long BeamDecodeMultiplyAdds { get; }

    /// <summary>Forward and backward of one teacher-forced pair of maximum lengths (backward counted as two forwards).</summary>
    public long TrainingPairMultiplyAdds { get; }

    /// <summary>fp32 parameter bytes one decoder step reads: the cell's, the output layer's, the attention's and one embedding row.</summary>
    public long DecoderStepWeightBytes { get; }
}
