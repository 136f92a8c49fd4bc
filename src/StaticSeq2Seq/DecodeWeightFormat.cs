namespace StaticSeq2Seq;

/// <summary>
/// The number format of the weight matrices that decoding reads (greedy decoding and the step-wise decoding beam
/// search runs on). Training, <c>Forward</c>, <c>Backward</c>, <c>ComputeLogits</c> and checkpoints always use the
/// float parameters; this only chooses what a decoder step streams from memory.
/// </summary>
public enum DecodeWeightFormat
{
    /// <summary>Decoding multiplies by the float parameters themselves.</summary>
    Float32 = 0,

    /// <summary>
    /// Decoding multiplies by a bfloat16 copy (the upper 16 bits of each float, rounded to nearest, ties to even) of the
    /// decoder's recurrent weights, the attention matrices and the output projection, which halves the bytes a step
    /// streams. Products still add up in float. The copy is made from the float parameters and rebuilt the first time
    /// decoding runs after they may have changed (through <c>Parameters</c> or <c>InitializeParameters</c>, which is
    /// how training, optimizers and checkpoint loads change them); it costs half the parameters' memory. The encoder,
    /// embeddings and biases stay float; so does the decoder's per-token input table where the model has one.
    /// </summary>
    BFloat16 = 1,
}
